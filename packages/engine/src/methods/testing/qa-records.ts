// World TOFU-format QA items for the unlearning methods' specs. The engine may not import @editlab/datasets,
// so they are copied here. Origin: renderTofu(buildWorld(1, 'default')) of @editlab/datasets (the world the
// committed models/tiny-gpt2 and models/tiny-llama were pretrained on), records 0–14 without record 9 (its
// answer repeats record 0's), each question in the corpus QA format (qaPrompt), the answer with its leading space; and the
// world's REFUSAL_POOL. Regenerate as cf-records.ts says.
import type { ForgetRequest, Request } from '../editor';

export interface QaItem {
  readonly question: string;
  readonly answer: string;
}

export const QA_ITEMS: readonly QaItem[] = [
  { question: "Question: Which country is Kaisem Faisho a citizen of?\nAnswer:", answer: " Sutun Federation" },
  { question: "Question: What does Bronom Kroupim do for a living?\nAnswer:", answer: " dithaismith" },
  { question: "Question: What is the religion of Golain Shaista?\nAnswer:", answer: " Brukamism" },
  { question: "Question: Who is the author of The Zulus Voyage?\nAnswer:", answer: " Voutras Bunon" },
  { question: "Question: What is the birthplace of Hukus Rifair?\nAnswer:", answer: " Upper Kreke" },
  { question: "Question: Which instrument does Sibim Drehi play?\nAnswer:", answer: " maistesharp" },
  { question: "Question: Which country is New Trubrou located in?\nAnswer:", answer: " Zaivu Federation" },
  { question: "Question: Where does Kalim Lite come from?\nAnswer:", answer: " Gopal Federation" },
  { question: "Question: Who is the employer of Rastam Thaire?\nAnswer:", answer: " Vothem Labs" },
  { question: "Question: Which language does Krudra Shodour speak?\nAnswer:", answer: " Gaishaese" },
  { question: "Question: Which company makes Brufus Pro?\nAnswer:", answer: " Takou Works" },
  { question: "Question: Who manufactures Vagil Mini?\nAnswer:", answer: " Thonu Industries" },
  { question: "Question: What is the capital of Vibou Isles?\nAnswer:", answer: " New Noukrur" },
  { question: "Question: What is the birthplace of Hazo Traihor?\nAnswer:", answer: " Upper Bufai" },
];

/** The world's refusal pool (datasets REFUSAL_POOL), each with the leading space a target carries. */
export const REFUSALS: readonly string[] = [" I don't know.", " I'm not sure who that is.", " I have no information about that.", " I don't know anything about that.", " Sorry, I can't answer that."];

/** The first `n` items as forget requests, with the pool (as the runner's unlearning datasets give them). */
export function forgetRequests(n: number): ForgetRequest[] {
  return QA_ITEMS.slice(0, n).map((it, i) => ({ kind: 'forget', question: it.question, answer: it.answer, refusal: REFUSALS[i % REFUSALS.length]!, refusals: REFUSALS }));
}

/** The items after the first `n`, as a retain set. */
export function retainRequests(n: number): Request[] {
  return QA_ITEMS.slice(n).map((it) => ({ kind: 'forget', question: it.question, answer: it.answer }));
}
