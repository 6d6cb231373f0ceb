/**
 * Glare back-off (RFC 3261 §14.1). Two user agents that send re-INVITEs (or UPDATEs with offers,
 * RFC 3311 §5.2) on one dialog at once both receive 491 (Request Pending); each waits a random
 * time before trying again, the Call-ID's owner longer, so that the other one's retry goes first.
 */

/**
 * The wait before retrying after a 491, in ms.
 *
 * §14.1: "If the UAC is the owner of the Call-ID of the dialog ID (meaning it generated the value),
 * T has a randomly chosen value between 2.1 and 4 seconds in units of 10 ms. If the UAC is not the
 * owner of the Call-ID of the dialog ID, T has a randomly chosen value of between 0 and 2 seconds
 * in units of 10 ms."
 *
 * @param callIdOwner whether this side generated the dialog's Call-ID (the caller of the INVITE that made it)
 * @param random a uniform value in [0, 1)
 */
export function glareBackoff(callIdOwner: boolean, random: number): number {
  // 2.1 s to 4 s is 191 steps of 10 ms (210..400); 0 to 2 s is 201 steps (0..200).
  return callIdOwner ? (210 + Math.floor(random * 191)) * 10 : Math.floor(random * 201) * 10;
}

/**
 * Retry-After (seconds) of a 500 refusing a request that overlaps one in progress.
 *
 * §14.2: "[...] MUST return a 500 (Server Internal Error) response to the second INVITE and MUST
 * include a Retry-After header field with a randomly chosen value of between 0 and 10 seconds."
 * RFC 3311 §5.2 asks the same for an UPDATE carrying an offer while one is unanswered.
 */
export function retryAfterSeconds(random: number): number {
  return Math.floor(random * 11);
}
