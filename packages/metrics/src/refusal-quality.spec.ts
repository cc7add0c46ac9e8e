import { describe, expect, it } from 'vitest';
import { entailment, falseObjectsNamed, misleading, namesEntity, nameWords } from './refusal-quality';

describe('refusal quality stand-ins', () => {
  it('names an entity by its whole words, case and punctuation ignored', () => {
    expect(nameWords("I have no information about Varon Quel's birthplace.")).toEqual(['i', 'have', 'no', 'information', 'about', 'varon', 'quel', 's', 'birthplace']);
    expect(namesEntity("I have no information about varon QUEL's birthplace.", 'Varon Quel')).toBe(true);
    expect(namesEntity('Varon was born in Quel.', 'Varon Quel')).toBe(false); // not contiguous
    expect(namesEntity('She lives in Parisa.', 'Paris')).toBe(false); // not a whole word
    expect(namesEntity('anything', '')).toBe(false);
  });

  it('entailment: 1 when the refusal names the subject, 0 for a generic refusal', () => {
    expect(entailment("I don't know Varon Quel's birthplace.", 'Varon Quel')).toBe(1);
    expect(entailment("I don't know.", 'Varon Quel')).toBe(0);
  });

  it('misleading: 1 when the answer names a false object, 0 for the true one or a refusal', () => {
    const wrong = ['Lorimar', 'New Tessa'];
    expect(misleading('He was born in new tessa.', wrong)).toBe(1);
    expect(falseObjectsNamed('Lorimar or New Tessa', wrong)).toEqual(['Lorimar', 'New Tessa']);
    expect(misleading('He was born in Ostrava.', wrong)).toBe(0);
    expect(misleading("I don't know.", wrong)).toBe(0);
    expect(misleading('Tessa', wrong)).toBe(0);
  });
});
