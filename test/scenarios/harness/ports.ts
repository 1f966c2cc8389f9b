// The scenarios use the shared, cross-process port allocator.
export { freePorts } from "../../helpers/ports";
