// Ports for fault clusters: the shared cross-process allocator
// (tools/testkit/port-locks.ts), so the fault suite and the tests can run at
// once. The scenario's Scope releases them when it ends.
export { reservePorts } from "../../tools/testkit/port-locks";
