// `editlab data inspect` on the datasets package's loaders: detected (or given) format, usable
// records, and every malformed record with its file, index and field.
import { FORMATS, loadDataset } from '@editlab/datasets';
import type { DataInspector } from '../registries';

export const datasetInspector: DataInspector = {
  formats: FORMATS.map((f) => f.name),
  async inspect(path, format) {
    const r = loadDataset(path, format !== undefined ? { format } : {});
    return { format: r.format, detected: format === undefined, records: r.records.length, malformed: r.malformed };
  },
};
