// Pretrain the embedded default models: the same command as `editlab pretrain` (packages/runner/src/cli/
// pretrain-command.ts, which parses the options and reports errors), runnable without the bin link.
//   node --import tsx scripts/pretrain.ts --model tiny-gpt2 [--out models/tiny-gpt2] [--steps N]
//     [--world-seed 1] [--world-size default|tiny|standin-default] [--facts a.json b.json …] [--fresh] [--eval-limit N]
//   node --import tsx scripts/pretrain.ts --finetune-pistol --base models/tiny-gpt2 --out DIR
// Progress goes to stdout; a killed run resumes from its last saved state (every 200 steps).
import { main } from '@editlab/runner';

process.exitCode = await main(['pretrain', ...process.argv.slice(2)]);
