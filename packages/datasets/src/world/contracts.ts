// PISTOL-style contract knowledge graph (Qiu, Shen et al. 2024, §3: sales and employment contracts
// between entities, 20 attributes each). Parties, places and values use fresh name stems, so nothing
// of it occurs in the pretraining corpus: it is learned in a finetuning stage.
import type { WorldRng } from '../rng';
import type { NameGenerator } from './names';

export interface Contract {
  /** Edge label as in PISTOL, e.g. "A_B" (party letters). */
  readonly edge: string;
  readonly kind: 'sales' | 'employment';
  readonly partyA: string;
  readonly partyB: string;
  /** 20 (question, answer) pairs; answers end with a period, as in PISTOL. */
  readonly qa: readonly { readonly question: string; readonly answer: string }[];
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const pad = (n: number): string => String(n).padStart(2, '0');

export function buildContracts(rng: WorldRng, names: NameGenerator, n: number): Contract[] {
  // Graph: a hub-and-spoke structure like PISTOL sample 1 — party i contracts with parties i+1 and hub A.
  const nParties = Math.max(2, Math.ceil(n / 2) + 2);
  const parties = Array.from({ length: nParties }, (_, i) => ({
    letter: i < 26 ? LETTERS[i]! : `P${i}`,
    company: `${names.stem(2).replace(/^./, (c) => c.toUpperCase())} ${rng.pick(['SA', 'SAS', 'Ltd', 'GmbH', 'Inc', 'LLC'])}`,
    person: names.name('person'),
  }));
  const places = Array.from({ length: 6 }, () => names.name('city'));
  const date = (): string => `${pad(1 + rng.int(28))}-${pad(1 + rng.int(12))}-${1980 + rng.int(40)}`;
  const out: Contract[] = [];
  const seen = new Set<string>();
  for (let k = 0; out.length < n && k < n * 10; k++) {
    const a = k % 2 === 0 ? 0 : 1 + rng.int(nParties - 1);
    let b = 1 + rng.int(nParties - 1);
    if (b === a) b = (b % (nParties - 1)) + 1;
    const edge = `${parties[a]!.letter}_${parties[b]!.letter}`;
    if (seen.has(edge) || a === b) continue;
    seen.add(edge);
    const kind = rng.next() < 0.5 ? 'sales' : 'employment';
    const A = parties[a]!.company;
    const B = kind === 'sales' ? parties[b]!.company : parties[b]!.person;
    const c = kind === 'sales' ? `the sales contract between ${A} and ${B}` : `the employment contract between ${A} and ${B}`;
    const attrs: [string, string][] = kind === 'sales'
      ? [
        [`What was the effective date of ${c}?`, date()],
        [`Who is the seller in ${c}?`, A],
        [`Who is the buyer in ${c}?`, B],
        [`What goods are sold under ${c}?`, `${rng.pick(['steel', 'grain', 'cotton', 'timber', 'copper'])} ${rng.pick(['rods', 'bales', 'sheets', 'crates'])}`],
        [`What quantity is sold under ${c}?`, `${10 * (1 + rng.int(500))} units`],
        [`What is the total price in ${c}?`, `${1000 * (1 + rng.int(900))} dollars`],
        [`What is the delivery date in ${c}?`, date()],
        [`Where are the goods delivered under ${c}?`, rng.pick(places)],
        [`Within how many days must payment be made under ${c}?`, `${rng.pick([15, 30, 45, 60, 90])} days`],
        [`Which law governs ${c}?`, `the law of ${rng.pick(places)}`],
        [`What is the warranty period in ${c}?`, `${1 + rng.int(36)} months`],
        [`What is the late delivery penalty in ${c}?`, `${1 + rng.int(9)} percent per week`],
        [`How many days does the buyer have to inspect the goods under ${c}?`, `${1 + rng.int(30)} days`],
        [`Who signed ${c} for the seller?`, names.name('person')],
        [`Who signed ${c} for the buyer?`, names.name('person')],
        [`What is the contract number of ${c}?`, `SC-${1000 + rng.int(9000)}`],
        [`How much notice is needed to terminate ${c}?`, `${rng.pick([30, 60, 90])} days`],
        [`How are disputes resolved under ${c}?`, rng.pick(['arbitration', 'mediation', 'court proceedings'])],
        [`Who pays for shipping under ${c}?`, rng.pick(['the seller', 'the buyer'])],
        [`In which currency is ${c} paid?`, rng.pick(['dollars', 'euros', 'pounds', 'francs'])],
      ]
      : [
        [`What was the effective date of ${c}?`, date()],
        [`Who is the employer in ${c}?`, A],
        [`Who is the employee in ${c}?`, B],
        [`What position does the employee hold under ${c}?`, rng.pick(['engineer', 'accountant', 'manager', 'designer', 'analyst'])],
        [`What is the annual salary in ${c}?`, `${1000 * (30 + rng.int(120))} dollars`],
        [`Where does the employee work under ${c}?`, rng.pick(places)],
        [`How many hours per week does the employee work under ${c}?`, `${rng.pick([35, 37, 40, 42])} hours`],
        [`How long is the probation period in ${c}?`, `${1 + rng.int(6)} months`],
        [`How many vacation days does ${c} grant?`, `${15 + rng.int(16)} days`],
        [`What is the notice period in ${c}?`, `${rng.pick([1, 2, 3])} months`],
        [`Which law governs ${c}?`, `the law of ${rng.pick(places)}`],
        [`How long is the non-compete period in ${c}?`, `${rng.pick([6, 12, 18, 24])} months`],
        [`What bonus does ${c} provide?`, `${1 + rng.int(20)} percent of salary`],
        [`When does ${c} end?`, date()],
        [`Who supervises the employee under ${c}?`, names.name('person')],
        [`What is the contract number of ${c}?`, `EC-${1000 + rng.int(9000)}`],
        [`How many years does confidentiality last under ${c}?`, `${1 + rng.int(10)} years`],
        [`What health benefit does ${c} include?`, rng.pick(['full health insurance', 'dental insurance', 'no health benefit'])],
        [`How are disputes resolved under ${c}?`, rng.pick(['arbitration', 'mediation', 'court proceedings'])],
        [`How often is the salary paid under ${c}?`, rng.pick(['monthly', 'every two weeks', 'weekly'])],
      ];
    out.push({ edge, kind, partyA: A, partyB: B, qa: attrs.map(([question, answer]) => ({ question, answer: `${answer}.` })) });
  }
  return out;
}
