/* agent.c: ssh-agent protocol client (see agent.h). */
#include "agent.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "loop.h"

int agent_connect(const char *path, int *fd)
{
	struct sockaddr_un sa;
	int s;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return ERR_INVALID;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return ERR_IO;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s);
		return ERR_IO;
	}
	*fd = s;
	return 0;
}

/* Waits until fd is ready for ev, or the deadline passes. */
static int wait_fd(int fd, short ev, uint64_t until)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = ev};
		uint64_t now = loop_now_ms();
		int r;
		if (now >= until)
			return ERR_IO;
		r = poll(&p, 1, (int)(until - now));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return ERR_IO;
	}
}

static int io_all(int fd, uint8_t *p, size_t n, int writing, uint64_t until)
{
	while (n) {
		ssize_t k;
		int r = wait_fd(fd, writing ? POLLOUT : POLLIN, until);
		if (r)
			return r;
		k = writing ? send(fd, p, n, MSG_NOSIGNAL) : read(fd, p, n);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k < 0)
			return ERR_IO;
		if (k == 0)
			return ERR_CLOSED;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int agent_call(int fd, const struct buf *req, struct buf *reply)
{
	uint64_t until = loop_now_ms() + AGENT_TIMEOUT_MS;
	uint8_t len[4];
	uint8_t *dst;
	uint32_t n;
	int r;

	if (req->len > AGENT_MAX_MSG)
		return ERR_TOOBIG;
	store_be32(len, (uint32_t)req->len);
	if ((r = io_all(fd, len, 4, 1, until)) || (r = io_all(fd, req->data, req->len, 1, until)) ||
	    (r = io_all(fd, len, 4, 0, until)))
		return r;
	n = load_be32(len);
	if (n == 0 || n > AGENT_MAX_MSG)
		return ERR_TOOBIG;
	buf_reset(reply);
	if ((r = buf_reserve(reply, n, &dst)))
		return r;
	return io_all(fd, dst, n, 0, until);
}

int agent_put_list_request(struct buf *out)
{
	return buf_put_u8(out, SSH_AGENTC_REQUEST_IDENTITIES);
}

int agent_parse_identities(const uint8_t *p, size_t len, struct agent_key *keys, size_t max,
                           size_t *n)
{
	struct buf b;
	uint8_t type;
	uint32_t count, i;
	int r;

	*n = 0;
	buf_view(&b, p, len);
	if ((r = buf_get_u8(&b, &type)))
		return r;
	if (type == SSH_AGENT_FAILURE)
		return ERR_UNSUPPORTED;
	if (type != SSH_AGENT_IDENTITIES_ANSWER)
		return ERR_FORMAT;
	if ((r = buf_get_u32(&b, &count)))
		return r;
	/* each key takes at least 8 bytes: a count beyond that is a lie */
	if (count > buf_avail(&b) / 8)
		return ERR_FORMAT;
	for (i = 0; i < count; i++) {
		struct agent_key k;
		if ((r = buf_get_string(&b, &k.blob, &k.bloblen)) ||
		    (r = buf_get_string(&b, &k.comment, &k.commentlen)))
			return r;
		if (*n < max)
			keys[(*n)++] = k;
	}
	return buf_end(&b);
}

int agent_put_sign_request(struct buf *out, const uint8_t *blob, size_t bloblen,
                           const uint8_t *data, size_t n, uint32_t flags)
{
	int r;

	if ((r = buf_put_u8(out, SSH_AGENTC_SIGN_REQUEST)) || (r = buf_put_string(out, blob, bloblen)) ||
	    (r = buf_put_string(out, data, n)) || (r = buf_put_u32(out, flags)))
		return r;
	return 0;
}

int agent_parse_sign_response(const uint8_t *p, size_t len, const uint8_t **sig,
                              size_t *siglen)
{
	struct buf b;
	uint8_t type;
	int r;

	buf_view(&b, p, len);
	if ((r = buf_get_u8(&b, &type)))
		return r;
	if (type == SSH_AGENT_FAILURE)
		return ERR_BADSIG;
	if (type != SSH_AGENT_SIGN_RESPONSE)
		return ERR_FORMAT;
	if ((r = buf_get_string(&b, sig, siglen)))
		return r;
	return buf_end(&b);
}
