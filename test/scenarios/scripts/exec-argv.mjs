// Prints the node process's V8/Node flags (process.execArgv):
// test/cli/node-flags.test.ts checks what the supervisor passed.
export default () => {
  process.stdout.write(`execArgv ${JSON.stringify(process.execArgv)}\n`);
};
