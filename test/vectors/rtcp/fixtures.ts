// Golden RTCP datagrams, hand-built from the packet diagrams of RFC 3550 §6.4-6.7, RFC 4585 §6.2.1
// and §6.3.1, RFC 5104 §4.3.1 and RFC 3611 §4.7. Hex, whitespace ignored; each entry notes the
// field values so the tests can check the decoder against them.

/** SR (RC=1) + SDES CNAME + BYE with reason: a typical compound sent when leaving (RFC 3550 §6.1). */
export const SR_SDES_BYE = `
81 c8 000c  902f9e2e  da8bd1fc dddda05a  aaf4edd5  00000001 000000a0
            12345678  10 000003  0001ffff  00000010  12340000  00008000
81 ca 0006  902f9e2e  01 10 75736572406578616d706c652e636f6d 00 00
81 cb 0004  902f9e2e  08 73687574646f776e 000000
`;

/** Empty RR (RC=0) + SDES with CNAME and NAME + padded last packet (APP, 4 padding bytes). */
export const RR_SDES_APP_PADDED = `
80 c9 0001  11111111
81 ca 0005  11111111  01 03 616263  02 05 416c696365  00 00 00 00
a3 cc 0004  11111111  54455354  01020304  00000004
`;

/** RR with two report blocks, one with negative cumulative loss (duplicates, §6.4.1). */
export const RR_TWO_BLOCKS = `
82 c9 000d  22222222
            33333333  00 ffffff  00010010  00000003  00000000  00000000
            44444444  ff 7fffff  ffffffff  ffffffff  ffffffff  ffffffff
`;

/** RR + generic NACK (RFC 4585 §6.2.1): PID 100, BLP 0b101 = lost 100, 101, 103. */
export const RR_NACK = `
80 c9 0001  55555555
81 cd 0003  55555555  66666666  0064 0005
`;

/** RR + PLI (RFC 4585 §6.3.1) + FIR (RFC 5104 §4.3.1) with one entry, seq nr 7. */
export const RR_PLI_FIR = `
80 c9 0001  55555555
81 ce 0002  55555555  66666666
84 ce 0004  55555555  00000000  66666666 07 000000
`;

/** RR + XR with a VoIP Metrics block (RFC 3611 §4.7). */
export const RR_XR_VOIP = `
80 c9 0001  77777777
80 cf 000a  77777777
            07 00 0008  88888888  0a 14 1e 28  0064 01f4  0032 0028
            ec ba 7f 10  5d 7f 2a 2b  05 00 0028  0050 00c8
`;

/** Reduced-size RTCP (RFC 5506): a lone PLI, not preceded by SR/RR. */
export const REDUCED_SIZE_PLI = `81 ce 0002 55555555 66666666`;

export const hex = (s: string): Uint8Array => Uint8Array.from((s.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
