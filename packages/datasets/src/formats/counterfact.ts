// CounterFact loaders (Meng et al. 2022). ROME format: requested_rewrite.prompt has "{}" for the
// subject; target_new is the edit, target_true the old answer; neighborhood prompts are answered by
// target_true, attribute prompts by target_new. EasyEdit flat format: prompt already filled,
// target_new / ground_truth, one rephrase and one locality prompt (answer locality_ground_truth).
import { CANONICAL_VERSION, type EditRecord, type Probe } from '../types';
import { mapRecords, type RecordChecker } from './validate';

const probes = (prompts: readonly string[], answer: string, family: string): Probe[] => prompts.map((prompt) => ({ prompt, answers: [answer], family }));

export function parseCounterFactRome(raw: readonly unknown[], c: RecordChecker): EditRecord[] {
  return mapRecords(raw, c, (r, i, ok): EditRecord | undefined => {
    const caseId = c.integer(i, r, 'case_id');
    const rr = c.object(i, 'requested_rewrite', r.requested_rewrite);
    const prompt = rr && c.string(i, rr, 'prompt', 'requested_rewrite.prompt');
    const subject = rr && c.string(i, rr, 'subject', 'requested_rewrite.subject');
    const relationId = rr && c.string(i, rr, 'relation_id', 'requested_rewrite.relation_id');
    const tn = rr && c.object(i, 'requested_rewrite.target_new', rr.target_new);
    const tt = rr && c.object(i, 'requested_rewrite.target_true', rr.target_true);
    const targetNew = tn && c.string(i, tn, 'str', 'requested_rewrite.target_new.str');
    const targetTrue = tt && c.string(i, tt, 'str', 'requested_rewrite.target_true.str');
    if (prompt !== undefined && !prompt.includes('{}')) c.malformed.push({ file: c.file, index: i, field: 'requested_rewrite.prompt', message: 'expected "{}" where the subject goes' });
    const para = c.stringArray(i, r, 'paraphrase_prompts');
    const nb = c.stringArray(i, r, 'neighborhood_prompts');
    const attr = r.attribute_prompts === undefined ? [] : c.stringArray(i, r, 'attribute_prompts');
    const gen = r.generation_prompts === undefined ? [] : c.stringArray(i, r, 'generation_prompts');
    if (!ok()) return undefined;
    return {
      kind: 'edit', source: 'counterfact-rome', version: CANONICAL_VERSION, id: String(caseId),
      prompt: prompt!.replace('{}', subject!), promptTemplate: prompt!, subject: subject!,
      targetNew: targetNew!, targetTrue: targetTrue!, relationId: relationId!,
      paraphrasePrompts: para!, neighborhood: probes(nb!, targetTrue!, 'neighborhood'),
      attribute: probes(attr!, targetNew!, 'attribute'), generationPrompts: gen!, locality: [], portability: [],
    };
  });
}

export function parseCounterFactEasyEdit(raw: readonly unknown[], c: RecordChecker): EditRecord[] {
  return mapRecords(raw, c, (r, i, ok): EditRecord | undefined => {
    const caseId = c.integer(i, r, 'case_id');
    const [prompt, targetNew, subject, truth, rephrase, loc, locAns] = (
      ['prompt', 'target_new', 'subject', 'ground_truth', 'rephrase_prompt', 'locality_prompt', 'locality_ground_truth'] as const
    ).map((f) => c.string(i, r, f));
    if (!ok()) return undefined;
    return {
      kind: 'edit', source: 'counterfact-easyedit', version: CANONICAL_VERSION, id: String(caseId),
      prompt: prompt!, subject: subject!, targetNew: targetNew!, targetTrue: truth!,
      paraphrasePrompts: [rephrase!], neighborhood: probes([loc!], locAns!, 'neighborhood'),
      attribute: [], generationPrompts: [], locality: [], portability: [],
    };
  });
}
