// corruptFacts on the committed tiny-gpt2 tokenizer with facts of its own world (fixtures.ts).
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '../tokenizer/load';
import { corruptFacts } from './corrupt';
import { FIXTURE_FACTS } from './fixtures';

const tok = loadTokenizer(fileURLToPath(new URL('../../../../models/tiny-gpt2/tokenizer.json', import.meta.url)));

describe('corruptFacts', () => {
  it('swaps the subject for a pool subject of the same token length and a different first answer token', () => {
    const facts = FIXTURE_FACTS.P17;
    const pairs = corruptFacts(tok, facts, facts, 1);
    expect(pairs.length).toBeGreaterThan(12);
    for (const p of pairs) {
      expect(p.corrupted.length).toBe(p.clean.length);
      expect(p.partner.subject).not.toBe(p.fact.subject);
      expect(p.corruptedPrompt).toBe(p.fact.prompt.replace(p.fact.subject, p.partner.subject));
      expect(p.clean).toEqual(tok.encode(p.fact.prompt));
      expect(p.answer).toBe(tok.encode(p.fact.target)[0]);
      expect(p.corruptAnswer).toBe(tok.encode(p.partner.target)[0]);
      expect(p.corruptAnswer).not.toBe(p.answer);
    }
    expect(corruptFacts(tok, facts, facts, 1)).toEqual(pairs); // deterministic
    expect(corruptFacts(tok, facts, facts, 2).map((p) => p.partner.subject)).not.toEqual(pairs.map((p) => p.partner.subject));
    // A fact's partner does not depend on the other facts passed.
    const alone = corruptFacts(tok, [pairs[3]!.fact], facts, 1);
    expect(alone[0]!.partner).toEqual(pairs[3]!.partner);
  });

  it('skips facts with no valid partner', () => {
    const [a] = FIXTURE_FACTS.P17;
    expect(corruptFacts(tok, [a!], [a!], 1)).toEqual([]); // only itself
    // A partner that works (control), then the same partner with a's answer, then with a longer subject.
    const b = FIXTURE_FACTS.P17.find((f) => f.subject !== a!.subject && corruptFacts(tok, [a!], [f], 1).length === 1)!;
    expect(b).toBeDefined();
    expect(corruptFacts(tok, [a!], [{ ...b, target: a!.target }], 1)).toEqual([]); // same first answer token
    expect(corruptFacts(tok, [a!], [{ ...b, subject: `${b.subject} Upon Tide Marsh` }], 1)).toEqual([]); // token length differs
    expect(corruptFacts(tok, [{ ...a!, subject: 'Atlantis' }], [b], 1)).toEqual([]); // subject not in the prompt
  });
});
