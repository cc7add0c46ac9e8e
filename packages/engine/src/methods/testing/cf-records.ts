// Ten CounterFact-style records of the default world, for the methods' specs. The engine may not import
// @editlab/datasets, so they are copied here. Origin: @editlab/datasets renderCounterFact(buildWorld(1,
// 'default')) — the world the committed models/tiny-gpt2 and models/tiny-llama were pretrained on — the
// first record of each relation with ≥ 4 neighbourhood prompts (case ids below), first 4 neighbourhood
// prompts kept. Regenerate: in `node --import tsx -e`, load the datasets package (dynamic import of
// '@editlab/datasets', from the repo root) and print renderCounterFact(buildWorld(1, 'default')); the
// engine must not import that package, hence the copy.
// Neighbourhood prompts are other subjects with the same relation and the same (true) object, so their
// true answer is targetTrue. Targets carry their leading space, as EditRequest wants.

export interface CfRecord {
  readonly caseId: number;
  readonly relationId: string;
  readonly prompt: string;
  readonly subject: string;
  readonly targetTrue: string;
  readonly targetNew: string;
  readonly paraphrases: readonly string[];
  /** Neighbourhood prompts; each one's true answer is targetTrue. */
  readonly neighborhood: readonly string[];
}

export const CF_RECORDS: readonly CfRecord[] = [
  {
    "caseId": 1,
    "relationId": "P103",
    "prompt": "The native language of Vahou Braper is",
    "subject": "Vahou Braper",
    "targetTrue": " Musurese",
    "targetNew": " Goumouese",
    "paraphrases": [
      "To be precise, Vahou Braper is a native speaker of",
      "For the record, Vahou Braper is a native speaker of"
    ],
    "neighborhood": [
      "The native language of Zaiboum Louvu is",
      "Sifen Shufi grew up speaking",
      "The mother tongue of Litri Krustos is",
      "The native language of Hatren Thuto is"
    ]
  },
  {
    "caseId": 2,
    "relationId": "P1412",
    "prompt": "Vaipon Rutros communicates in",
    "subject": "Vaipon Rutros",
    "targetTrue": " Ravarese",
    "targetNew": " Gaishaese",
    "paraphrases": [
      "The story goes like this. Vaipon Rutros writes and speaks",
      "Here is a fact. Vaipon Rutros writes and speaks"
    ],
    "neighborhood": [
      "Febam Vafis speaks the language",
      "Bule Trotho writes and speaks",
      "Haizi Vefur speaks the language",
      "Shadru Tuni speaks the language"
    ]
  },
  {
    "caseId": 3,
    "relationId": "P106",
    "prompt": "Pabre Nukou works as a",
    "subject": "Pabre Nukou",
    "targetTrue": " thoudouler",
    "targetNew": " hetousist",
    "paraphrases": [
      "It is well known. Pabre Nukou earns a living as a",
      "To be precise, Pabre Nukou earns a living as a"
    ],
    "neighborhood": [
      "The occupation of Faikol Rivor is",
      "The occupation of Ridrar Sobou is",
      "Krosam Gaisour works as a",
      "Fazu Kufol works as a"
    ]
  },
  {
    "caseId": 4,
    "relationId": "P140",
    "prompt": "Retru Limaim practices",
    "subject": "Retru Limaim",
    "targetTrue": " Traipoism",
    "targetNew": " Paigoism",
    "paraphrases": [
      "This is worth knowing. Retru Limaim is a follower of",
      "As the old guide says, Retru Limaim is a follower of"
    ],
    "neighborhood": [
      "The religion of Zibre Brufu is",
      "The religion of Trishom Tibul is",
      "Zunu Tiper is affiliated with the religion of",
      "Kronil Stishon is affiliated with the religion of"
    ]
  },
  {
    "caseId": 5,
    "relationId": "P17",
    "prompt": "Port Helail is a city in",
    "subject": "Port Helail",
    "targetTrue": " Toubrou Union",
    "targetNew": " Sova Republic",
    "paraphrases": [
      "As the records show, Port Helail is located in the country of",
      "In short, Port Helail is located in the country of"
    ],
    "neighborhood": [
      "East Sustoul is located in the country of",
      "Lower Destim is a city in",
      "Fort Noufais, which is located in",
      "Fort Touthu is a city in"
    ]
  },
  {
    "caseId": 6,
    "relationId": "P495",
    "prompt": "Tumou One originated in",
    "subject": "Tumou One",
    "targetTrue": " Fousa Isles",
    "targetNew": " Traime Federation",
    "paraphrases": [
      "It is well known. Tumou One was created in the country of",
      "Listen to this. Tumou One was created in the country of"
    ],
    "neighborhood": [
      "Naibail Max was created in the country of",
      "Nilai One was created in the country of",
      "The country of origin of Hishus Mini is",
      "Truhair Mini was created in the country of"
    ]
  },
  {
    "caseId": 9,
    "relationId": "P19",
    "prompt": "The birthplace of Troudrom Laibrair is",
    "subject": "Troudrom Laibrair",
    "targetTrue": " Fort Stoushon",
    "targetNew": " Fort Vuve",
    "paraphrases": [
      "As the old guide says, Troudrom Laibrair was born in",
      "Here is a fact. Troudrom Laibrair was born in"
    ],
    "neighborhood": [
      "Dekroul Dreda was born in",
      "Bonu Faithun came into the world in",
      "Kadrer Dohem was born in",
      "Stoumos Nelir came into the world in"
    ]
  },
  {
    "caseId": 13,
    "relationId": "P27",
    "prompt": "The nationality of Gadri Nube is that of",
    "subject": "Gadri Nube",
    "targetTrue": " Seti Kingdom",
    "targetNew": " Fisa Federation",
    "paraphrases": [
      "Listen to this. Gadri Nube holds the citizenship of",
      "It was written down long ago. Gadri Nube holds the citizenship of"
    ],
    "neighborhood": [
      "Kraku Thudru holds the citizenship of",
      "The nationality of Kasa Thuvoun is that of",
      "Tenail Mapir holds the citizenship of",
      "Zusai Thuthi has a passport from"
    ]
  },
  {
    "caseId": 14,
    "relationId": "P1303",
    "prompt": "Thohou Kisous is a performer on the",
    "subject": "Thohou Kisous",
    "targetTrue": " thanandrum",
    "targetNew": " kredrolute",
    "paraphrases": [
      "The story goes like this. The instrument of Thohou Kisous is the",
      "Listen to this. The instrument of Thohou Kisous is the"
    ],
    "neighborhood": [
      "Mazas Goufi is known for playing the",
      "The instrument of Kistol Teves is the",
      "Hubu Rigour plays the",
      "The instrument of Stodram Vezon is the"
    ]
  },
  {
    "caseId": 21,
    "relationId": "P108",
    "prompt": "Brouroum Stithul draws a salary from",
    "subject": "Brouroum Stithul",
    "targetTrue": " Saisai Industries",
    "targetNew": " Mouzai Labs",
    "paraphrases": [
      "It was written down long ago. Brouroum Stithul works for",
      "As the old guide says, Brouroum Stithul works for"
    ],
    "neighborhood": [
      "Lisi Lepi is employed by",
      "Staithur Drouno draws a salary from",
      "The employer of Letron Magou is",
      "The employer of Hipu Gope is"
    ]
  }
];
