// Two small result tables of one grid (CSV text) for the report tests: B reorders A's rows, changes two,
// drops a failed row and adds one.
export const TABLE_A = [
  'model,dataset,method,hparams,protocol,n,efficacy,nll,status,error',
  'gpt2,cf,FT,,single,10,90.00,1.5000,ok,',
  'gpt2,cf,ROME,,single,10,99.00,0.9000,ok,',
  'gpt2,cf,MEMIT,,single,10,98.00,0.9500,ok,',
  'gpt2,cf,GRACE,,single,10,,,failed,boom',
].join('\n') + '\n';

export const TABLE_B = [
  'model,dataset,method,hparams,protocol,n,efficacy,nll,status,error',
  'gpt2,cf,ROME,,single,10,97.50,0.8000,ok,',
  'gpt2,cf,FT,,single,10,92.00,1.7000,ok,',
  'gpt2,cf,MEMIT,,single,10,98.00,0.9500,ok,',
  'gpt2,cf,WISE,,single,10,80.00,2.0000,ok,',
].join('\n') + '\n';
