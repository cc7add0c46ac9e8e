import { expect, it } from 'vitest';
import { porterStem } from './porter';

// Expected stems are NLTK 3.8 PorterStemmer() outputs (default NLTK_EXTENSIONS mode), the stemmer
// rouge_score uses; bench/nltk-compare.ts checks the port on every word of ../shared/data.
it('matches NLTK PorterStemmer on its departures from the original algorithm', () => {
  const cases: Record<string, string> = {
    turkey: 'turkey', norway: 'norway', destroyed: 'destroy', happy: 'happi', // y→i only after a consonant
    running: 'run', dogs: 'dog', caresses: 'caress', ponies: 'poni', ties: 'tie', died: 'die', cried: 'cri',
    dying: 'die', skies: 'sky', news: 'news', relational: 'relat', conditional: 'condit', generalization: 'gener',
    hopeful: 'hope', goodness: 'good', adjustable: 'adjust', controlling: 'control', agreed: 'agre', feed: 'feed',
    hopping: 'hop', filing: 'file', electrical: 'electr', formality: 'formal', geology: 'geolog', radically: 'radic',
    archeology: 'archeolog', possibly: 'possibl',
  };
  for (const [w, s] of Object.entries(cases)) expect([w, porterStem(w)]).toEqual([w, s]);
});
