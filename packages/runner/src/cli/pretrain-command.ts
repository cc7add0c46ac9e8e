// editlab pretrain: trains the embedded default models. The training itself lives with the engine
// and the world corpus; this command is wired to it once those land (see README "Not done").
import { RunnerError } from '../errors';
import { parse } from './args';
import type { Io } from './io';

export async function pretrainCmd(argv: readonly string[], _io: Io): Promise<number> {
  parse('pretrain', argv, { out: { type: 'string' }, facts: { type: 'string', multiple: true }, seed: { type: 'string' } });
  throw new RunnerError('NOT_AVAILABLE', 'pretraining of the embedded models is not wired into the CLI yet (the engine model and world corpus it trains on are not in this build)');
}
