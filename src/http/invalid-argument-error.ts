// moved to src/core; kept until src/gateway and src/node import from there
export { ArgumentRangeError, InvalidArgumentError } from '../core/invalid-argument-error.js';
