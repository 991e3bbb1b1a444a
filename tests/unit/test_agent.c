/* The ssh-agent protocol client's builders and parsers (draft-miller-ssh-agent): good
 * answers, failures, truncation, lying counts, trailing bytes. */
#include <string.h>

#include "agent.h"
#include "err.h"
#include "harness.h"

static void test_list_request(void)
{
	struct buf b;
	CHECK_OK(buf_init(&b, 8, 64));
	CHECK_OK(agent_put_list_request(&b));
	CHECK(b.len == 1 && b.data[0] == SSH_AGENTC_REQUEST_IDENTITIES);
	buf_free(&b);
}

static void answer(struct buf *b, uint32_t count, int nkeys)
{
	int i;
	buf_init(b, 64, 4096);
	buf_put_u8(b, SSH_AGENT_IDENTITIES_ANSWER);
	buf_put_u32(b, count);
	for (i = 0; i < nkeys; i++) {
		buf_put_cstr(b, i ? "blob-two" : "blob-one");
		buf_put_cstr(b, i ? "second" : "first");
	}
}

static void test_identities(void)
{
	struct agent_key keys[4];
	struct buf b;
	size_t n;

	answer(&b, 2, 2);
	CHECK_OK(agent_parse_identities(b.data, b.len, keys, 4, &n));
	CHECK(n == 2);
	CHECK(keys[0].bloblen == 8 && memcmp(keys[0].blob, "blob-one", 8) == 0);
	CHECK(keys[1].commentlen == 6 && memcmp(keys[1].comment, "second", 6) == 0);
	/* more keys than room: the first ones are kept */
	CHECK_OK(agent_parse_identities(b.data, b.len, keys, 1, &n));
	CHECK(n == 1);
	/* every truncation is an error */
	for (size_t cut = 0; cut < b.len; cut++)
		CHECK(agent_parse_identities(b.data, cut, keys, 4, &n) != 0);
	buf_put_u8(&b, 0);
	CHECK(agent_parse_identities(b.data, b.len, keys, 4, &n) == ERR_TRAILING);
	buf_free(&b);

	answer(&b, 1000000, 1); /* a count the bytes cannot hold */
	CHECK(agent_parse_identities(b.data, b.len, keys, 4, &n) == ERR_FORMAT);
	buf_free(&b);
	answer(&b, 0, 0);
	CHECK_OK(agent_parse_identities(b.data, b.len, keys, 4, &n));
	CHECK(n == 0);
	buf_free(&b);

	{
		uint8_t fail = SSH_AGENT_FAILURE, other = 99;
		CHECK(agent_parse_identities(&fail, 1, keys, 4, &n) == ERR_UNSUPPORTED);
		CHECK(agent_parse_identities(&other, 1, keys, 4, &n) == ERR_FORMAT);
	}
}

static void test_sign(void)
{
	struct buf b, r;
	const uint8_t *sig;
	size_t sl;
	uint32_t v;
	const uint8_t *p;
	size_t pl;
	uint8_t type;

	CHECK_OK(buf_init(&b, 64, 4096));
	CHECK_OK(agent_put_sign_request(&b, (const uint8_t *)"BLOB", 4, (const uint8_t *)"data", 4,
	                                SSH_AGENT_RSA_SHA2_512));
	buf_view(&r, b.data, b.len);
	CHECK_OK(buf_get_u8(&r, &type));
	CHECK(type == SSH_AGENTC_SIGN_REQUEST);
	CHECK_OK(buf_get_string(&r, &p, &pl));
	CHECK(pl == 4 && memcmp(p, "BLOB", 4) == 0);
	CHECK_OK(buf_get_string(&r, &p, &pl));
	CHECK_OK(buf_get_u32(&r, &v));
	CHECK(v == SSH_AGENT_RSA_SHA2_512);
	CHECK_OK(buf_end(&r));
	buf_free(&b);

	buf_init(&b, 64, 4096);
	buf_put_u8(&b, SSH_AGENT_SIGN_RESPONSE);
	buf_put_cstr(&b, "signature");
	CHECK_OK(agent_parse_sign_response(b.data, b.len, &sig, &sl));
	CHECK(sl == 9 && memcmp(sig, "signature", 9) == 0);
	for (size_t cut = 0; cut < b.len; cut++)
		CHECK(agent_parse_sign_response(b.data, cut, &sig, &sl) != 0);
	buf_put_u8(&b, 1);
	CHECK(agent_parse_sign_response(b.data, b.len, &sig, &sl) == ERR_TRAILING);
	buf_free(&b);
	{
		uint8_t fail = SSH_AGENT_FAILURE;
		CHECK(agent_parse_sign_response(&fail, 1, &sig, &sl) == ERR_BADSIG);
	}
}

static void test_connect_errors(void)
{
	int fd;
	CHECK(agent_connect("", &fd) == ERR_INVALID);
	CHECK(agent_connect("/nonexistent/agent.sock", &fd) == ERR_IO);
}

int main(void)
{
	RUN(test_list_request);
	RUN(test_identities);
	RUN(test_sign);
	RUN(test_connect_errors);
	return harness_done("test_agent");
}
