import { SiphonError } from "../../errors.ts";

/** Codes of {@link RoutingError}. */
export type RoutingErrorCode =
  | "BAD_CONFIG" // the routing configuration does not validate (the message lists each problem with its path)
  | "UNKNOWN_GATEWAY"; // a rule names a gateway the configuration does not define

/** A routing configuration that cannot be used; `issues` has one line per problem, each with its path. */
export class RoutingError extends SiphonError {
  declare readonly code: RoutingErrorCode;
  readonly issues: readonly string[];

  constructor(code: RoutingErrorCode, message: string, options?: { issues?: readonly string[]; cause?: unknown }) {
    super(code, message, options);
    this.issues = options?.issues ?? [message];
  }
}
