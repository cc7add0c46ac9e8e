// Facts for the locate specs: @editlab/datasets' world buildWorld(1, 'default') — the world models/tiny-gpt2 and
// models/tiny-llama were pretrained on (their MODEL_CARD.md) — first 20 facts of each relation whose statement
// template 0 is in the corpus (f.heldOutStatement !== 0), prompt = fill(RELATIONS[rel].statements[0], subject),
// target = ' ' + object name. Generated once (at commit 7a5cfe8) with `node --import tsx -e` over buildWorld(1, 'default');
// hard-coded because the engine may not import @editlab/datasets (scripts/check-boundaries.mjs).
import type { LocateFact } from './corrupt';

const f = (prompt: string, subject: string, target: string): LocateFact => ({ prompt, subject, target });

export const FIXTURE_FACTS: Readonly<Record<'P17' | 'P36' | 'P103', readonly LocateFact[]>> = {
  // P17 country (city → country)
  P17: [
    f('Port Sishai is located in the country of', 'Port Sishai', ' Gaiki Isles'),
    f('Lower Govain is located in the country of', 'Lower Govain', ' Fousa Isles'),
    f('West Baino is located in the country of', 'West Baino', ' Sutun Federation'),
    f('East Niban is located in the country of', 'East Niban', ' Butir Republic'),
    f('Port Stethe is located in the country of', 'Port Stethe', ' Fisa Federation'),
    f('West Pelai is located in the country of', 'West Pelai', ' Vetran Federation'),
    f('West Relim is located in the country of', 'West Relim', ' Traime Federation'),
    f('New Trubrou is located in the country of', 'New Trubrou', ' Zaivu Federation'),
    f('Fort Touthu is located in the country of', 'Fort Touthu', ' Toubrou Union'),
    f('Port Zithe is located in the country of', 'Port Zithe', ' Broubir Republic'),
    f('Upper Kraidra is located in the country of', 'Upper Kraidra', ' Sova Republic'),
    f('Lower Mokrai is located in the country of', 'Lower Mokrai', ' Seti Kingdom'),
    f('Lower Branoul is located in the country of', 'Lower Branoul', ' Trakil Republic'),
    f('East Nobram is located in the country of', 'East Nobram', ' Zoushous Kingdom'),
    f('Lower Baika is located in the country of', 'Lower Baika', ' Gaiki Isles'),
    f('Fort Hairoul is located in the country of', 'Fort Hairoul', ' Fousa Isles'),
    f('Upper Saiki is located in the country of', 'Upper Saiki', ' Butir Republic'),
    f('New Thobres is located in the country of', 'New Thobres', ' Vibou Isles'),
    f('New Trourail is located in the country of', 'New Trourail', ' Zaivu Federation'),
    f('East Sustoul is located in the country of', 'East Sustoul', ' Toubrou Union'),
  ],
  // P36 capital (country → city; the world has 12 such facts)
  P36: [
    f('The capital of Gaiki Isles is', 'Gaiki Isles', ' Lower Baika'),
    f('The capital of Sutun Federation is', 'Sutun Federation', ' Port Behar'),
    f('The capital of Fisa Federation is', 'Fisa Federation', ' East Habra'),
    f('The capital of Vibou Isles is', 'Vibou Isles', ' New Noukrur'),
    f('The capital of Vetran Federation is', 'Vetran Federation', ' Lower Mudri'),
    f('The capital of Traime Federation is', 'Traime Federation', ' West Relim'),
    f('The capital of Zaivu Federation is', 'Zaivu Federation', ' West Haiser'),
    f('The capital of Toubrou Union is', 'Toubrou Union', ' Lower Destim'),
    f('The capital of Broubir Republic is', 'Broubir Republic', ' West Kufou'),
    f('The capital of Seti Kingdom is', 'Seti Kingdom', ' Port Brostom'),
    f('The capital of Gopal Federation is', 'Gopal Federation', ' Lower Padral'),
    f('The capital of Zoushous Kingdom is', 'Zoushous Kingdom', ' Port Kradril'),
  ],
  // P103 native language (person → language)
  P103: [
    f('The mother tongue of Githo Potail is', 'Githo Potail', ' Shaikelese'),
    f('The mother tongue of Shoufais Brehour is', 'Shoufais Brehour', ' Shaikelese'),
    f('The mother tongue of Fitou Soustail is', 'Fitou Soustail', ' Vaineese'),
    f('The mother tongue of Shobul Fasu is', 'Shobul Fasu', ' Lebosese'),
    f('The mother tongue of Trekrain Rainus is', 'Trekrain Rainus', ' Goumouese'),
    f('The mother tongue of Rathair Budran is', 'Rathair Budran', ' Toukuese'),
    f('The mother tongue of Tilain Tailil is', 'Tilain Tailil', ' Bekrorese'),
    f('The mother tongue of Braisous Pefus is', 'Braisous Pefus', ' Shaikelese'),
    f('The mother tongue of Kaithoum Lanam is', 'Kaithoum Lanam', ' Musurese'),
    f('The mother tongue of Droustoum Kepun is', 'Droustoum Kepun', ' Bekrorese'),
    f('The mother tongue of Nufen Douho is', 'Nufen Douho', ' Soutraese'),
    f('The mother tongue of Buki Stougoul is', 'Buki Stougoul', ' Soutraese'),
    f('The mother tongue of Librel Broti is', 'Librel Broti', ' Nisarese'),
    f('The mother tongue of Thakou Poustour is', 'Thakou Poustour', ' Lebosese'),
    f('The mother tongue of Gitrain Thithu is', 'Gitrain Thithu', ' Bekrorese'),
    f('The mother tongue of Zustous Likrais is', 'Zustous Likrais', ' Ravarese'),
    f('The mother tongue of Kegon Paisto is', 'Kegon Paisto', ' Lebosese'),
    f('The mother tongue of Naiho Gimum is', 'Naiho Gimum', ' Ravarese'),
    f('The mother tongue of Trishom Tibul is', 'Trishom Tibul', ' Shaikelese'),
    f('The mother tongue of Shatrai Vokair is', 'Shatrai Vokair', ' Lebosese'),
  ],
};
