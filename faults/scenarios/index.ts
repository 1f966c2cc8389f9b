// The scenarios of issue 7, in the order.
import type { Scenario } from "../lib/scenario";
import { brokerRestart } from "./broker-restart";
import { workerKill } from "./worker-kill";
import { loggerKill } from "./logger-kill";
import { shutdownUnderLoad } from "./shutdown-under-load";
import { overload } from "./overload";
import { hostileInput } from "./hostile-input";
import { badConfig } from "./bad-config";

export const SCENARIOS: Scenario[] = [brokerRestart, workerKill, loggerKill, shutdownUnderLoad, overload, hostileInput, badConfig];
