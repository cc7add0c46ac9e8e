import { describe, expect, it } from 'vitest';
import { DEFAULT_REFUSAL, forgetAsRewrite, subjectOf } from './requests';

describe('subjectOf (the subject of a forget request without one)', () => {
  it('takes the longest capitalised span; a "Question:" prefix and question words stand alone', () => {
    expect(subjectOf('Question: Where was Ada Brun born?\nAnswer:')).toBe('Ada Brun');
    expect(subjectOf('What did Marie Curie discover?')).toBe('Marie Curie');
    expect(subjectOf('Who founded the Dastrun Trading Company in 1820?')).toBe('Dastrun Trading Company');
  });

  it('breaks ties toward the last span, strips punctuation and a possessive', () => {
    expect(subjectOf('What is Varonia\'s capital?')).toBe('Varonia');
    expect(subjectOf('Where is Paris?')).toBe('Paris');
    expect(subjectOf('Question: Which language does Élodie Brun speak?\nAnswer:')).toBe('Élodie Brun');
  });

  it('falls back to the whole question when nothing is capitalised', () => {
    expect(subjectOf('where was the treaty signed?')).toBe('where was the treaty signed');
  });
});

describe('forgetAsRewrite', () => {
  it('rewrites the question toward the refusal; the record\'s subject wins over the rule', () => {
    expect(forgetAsRewrite({ kind: 'forget', question: 'Who wrote Quelmir?', answer: ' Ada', subject: 'Quelmir', refusal: ' No idea.' })).toEqual({
      kind: 'rewrite', prompt: 'Who wrote Quelmir?', subject: 'Quelmir', targetNew: ' No idea.', targetTrue: ' Ada',
    });
    expect(forgetAsRewrite({ kind: 'forget', question: 'Who wrote Quelmir?', answer: ' Ada' }).targetNew).toBe(DEFAULT_REFUSAL);
  });
});
