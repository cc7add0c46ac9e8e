// Pronounceable generated names. Every name is built from "stems" (2–3 consonant-vowel syllables) and
// every stem is used once in a world, so names are unique, never a whole word of another name, and
// several BPE tokens long (ROME's "last subject token" is then a real position).
import { WorldRng } from '../rng';
import type { EntityType } from './schema';

const ONSETS = ['b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kr', 'st', 'tr', 'sh', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'm'];

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

export class NameGenerator {
  private readonly used = new Set<string>();
  constructor(private readonly rng: WorldRng) {}

  /**
   * A generator over another random stream that never returns a stem this one has returned so far:
   * extra names drawn from it leave this generator's own sequence (and so every name before) unchanged.
   */
  fork(rng: WorldRng): NameGenerator {
    const g = new NameGenerator(rng);
    for (const s of this.used) g.used.add(s);
    return g;
  }

  /** A fresh stem of `syllables` syllables never returned before in this generator. */
  stem(syllables = 2): string {
    for (let tries = 0; ; tries++) {
      let s = '';
      const n = tries > 200 ? syllables + 1 : syllables;
      for (let i = 0; i < n; i++) s += this.rng.pick(ONSETS) + this.rng.pick(VOWELS) + (i === n - 1 ? this.rng.pick(CODAS) : '');
      if (!this.used.has(s)) {
        this.used.add(s);
        return s;
      }
    }
  }

  /** Name of an entity of the given type; subject-capable types are multi-word. */
  name(type: EntityType): string {
    const W = (): string => cap(this.stem(2));
    switch (type) {
      case 'person': return `${W()} ${W()}`;
      case 'country': return `${W()} ${this.rng.pick(['Republic', 'Kingdom', 'Union', 'Isles', 'Federation'])}`;
      case 'city': return `${this.rng.pick(['Port', 'New', 'Upper', 'Lower', 'Fort', 'East', 'West'])} ${W()}`;
      case 'company': return `${W()} ${this.rng.pick(['Industries', 'Works', 'Group', 'Systems', 'Trading', 'Labs'])}`;
      case 'product': return `${W()} ${this.rng.pick(['One', 'Max', 'Pro', 'Mini', 'Lite', 'Prime'])}`;
      case 'book': return `The ${W()} ${this.rng.pick(['Chronicles', 'Garden', 'Letters', 'Voyage', 'Winter', 'Tower'])}`;
      case 'language': return `${W()}ese`;
      case 'sport': return `${this.stem(2)}ball`;
      case 'instrument': return `${this.stem(2)}${this.rng.pick(['horn', 'lute', 'drum', 'pipe', 'harp'])}`;
      case 'religion': return `${W()}ism`;
      case 'occupation': return `${this.stem(2)}${this.rng.pick(['smith', 'wright', 'keeper', 'ist', 'er'])}`;
    }
  }
}
