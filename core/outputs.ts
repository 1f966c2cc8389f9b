// The core's only way to act: plain records the host polls.
//
// `Output` is a plain class (public fields, no constructor) so that
// AssemblyScript's bindings hand an Array<Output> to JavaScript as an array
// of plain objects, and the esbuild build produces the very same shape.

import {
  OUT_CLUSTER_LOG,
  OUT_DIAGNOSTIC,
  OUT_ERROR,
  OUT_LOG_BATCH,
  OUT_NODE_DOWN,
  OUT_NODE_UP,
  OUT_PUBLISH,
  OUT_SUBSCRIPTION,
  OUT_UNSUBSCRIPTION,
  OUT_WARNING,
} from "./kinds";

export class Output {
  /** One of the OUT_* codes in kinds.ts. */
  kind: i32 = 0;
  /** subscription / unsubscription / publish: the topic. */
  topic: string = "";
  /** publish: the event name. */
  event: string = "";
  /** node_up / node_down: the node name; publish: the first argument. */
  name: string = "";
  /** node_up / node_down: the node id; publish: the second argument. */
  id: string = "";
  /** cluster_log / warning / error / diagnostic: the text. */
  message: string = "";
  /** log_batch: the log stream key (from registerLogStream). */
  key: i32 = -1;
  /** log_batch: how many of that stream's oldest pending records to send. */
  count: i32 = 0;
}

/** FIFO of outputs since the last poll. */
export class Outbox {
  items: Array<Output> = [];

  /** Take every pending output, oldest first. */
  take(): Array<Output> {
    const out = this.items;
    this.items = [];
    return out;
  }

  get length(): i32 {
    return this.items.length;
  }

  topic(kind: i32, topic: string): void {
    const o = new Output();
    o.kind = kind;
    o.topic = topic;
    this.items.push(o);
  }

  subscription(topic: string): void {
    this.topic(OUT_SUBSCRIPTION, topic);
  }

  unsubscription(topic: string): void {
    this.topic(OUT_UNSUBSCRIPTION, topic);
  }

  /** Publish `event(name, id)` to `topic` (both hello events carry exactly these two arguments). */
  publish(topic: string, event: string, name: string, id: string): void {
    const o = new Output();
    o.kind = OUT_PUBLISH;
    o.topic = topic;
    o.event = event;
    o.name = name;
    o.id = id;
    this.items.push(o);
  }

  node(kind: i32, name: string, id: string): void {
    const o = new Output();
    o.kind = kind;
    o.name = name;
    o.id = id;
    this.items.push(o);
  }

  nodeUp(name: string, id: string): void {
    this.node(OUT_NODE_UP, name, id);
  }

  nodeDown(name: string, id: string): void {
    this.node(OUT_NODE_DOWN, name, id);
  }

  text(kind: i32, message: string): void {
    const o = new Output();
    o.kind = kind;
    o.message = message;
    this.items.push(o);
  }

  clusterLog(message: string): void {
    this.text(OUT_CLUSTER_LOG, message);
  }

  warning(message: string): void {
    this.text(OUT_WARNING, message);
  }

  error(message: string): void {
    this.text(OUT_ERROR, message);
  }

  diagnostic(message: string): void {
    this.text(OUT_DIAGNOSTIC, message);
  }

  logBatch(key: i32, count: i32): void {
    const o = new Output();
    o.kind = OUT_LOG_BATCH;
    o.key = key;
    o.count = count;
    this.items.push(o);
  }
}
