/* agent.h: the client side of the ssh-agent protocol (draft-miller-ssh-agent, OpenSSH's
 * PROTOCOL.agent): list the keys an agent holds and have it sign.
 *
 * Messages are framed as uint32 length || byte type || contents. The builders and
 * parsers are pure (unit-tested and fuzzed); agent_connect / agent_call do the blocking
 * socket I/O, bounded in size (AGENT_MAX_MSG) and time (AGENT_TIMEOUT_MS). Nothing here
 * prints or exits. */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "options.h"

#define SSH_AGENT_FAILURE 5
#define SSH_AGENTC_REQUEST_IDENTITIES 11
#define SSH_AGENT_IDENTITIES_ANSWER 12
#define SSH_AGENTC_SIGN_REQUEST 13
#define SSH_AGENT_SIGN_RESPONSE 14
/* sign request flags (draft-miller-ssh-agent 4.5.1) */
#define SSH_AGENT_RSA_SHA2_256 2
#define SSH_AGENT_RSA_SHA2_512 4

/* Limits: see options.h. */
#define AGENT_MAX_MSG DB_AGENT_MAX_MSG
#define AGENT_MAX_KEYS DB_AGENT_MAX_KEYS
#define AGENT_TIMEOUT_MS DB_AGENT_TIMEOUT_MS

/* Connects to the agent socket at path (SSH_AUTH_SOCK). 0 and *fd, or ERR_IO. */
int agent_connect(const char *path, int *fd);
/* Sends one request (the message without its length) and reads the reply's message
 * (type byte first) into reply, which must be an owned buffer. 0, ERR_IO, ERR_CLOSED,
 * ERR_TOOBIG. */
int agent_call(int fd, const struct buf *req, struct buf *reply);

/* One key of an identities answer: views into the reply. */
struct agent_key {
	const uint8_t *blob;
	size_t bloblen;
	const uint8_t *comment;
	size_t commentlen;
};
int agent_put_list_request(struct buf *out);
/* Parses an identities answer (type byte first): up to max keys into keys, their count
 * in *n. SSH_AGENT_FAILURE gives ERR_UNSUPPORTED; anything malformed ERR_FORMAT or
 * ERR_TRUNCATED; trailing bytes ERR_TRAILING. */
int agent_parse_identities(const uint8_t *p, size_t len, struct agent_key *keys, size_t max,
                           size_t *n);
int agent_put_sign_request(struct buf *out, const uint8_t *blob, size_t bloblen,
                           const uint8_t *data, size_t n, uint32_t flags);
/* Parses a sign response: *sig views the signature blob (string alg || string sig).
 * SSH_AGENT_FAILURE gives ERR_BADSIG. */
int agent_parse_sign_response(const uint8_t *p, size_t len, const uint8_t **sig,
                              size_t *siglen);

#endif
