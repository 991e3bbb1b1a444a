/* sessreq.c: session request parsers (RFC 4254 sections 6 and 8). Everything here reads
 * untrusted bytes through the buf getters and only fills caller-owned structures. */
#include "sessreq.h"

#include <signal.h>
#include <string.h>

#include "err.h"

int sessreq_winch(struct buf *b, struct sess_winsize *ws)
{
	int r;

	if ((r = buf_get_u32(b, &ws->cols)) || (r = buf_get_u32(b, &ws->rows)) ||
	    (r = buf_get_u32(b, &ws->wpx)) || (r = buf_get_u32(b, &ws->hpx)))
		return r;
	return buf_end(b);
}

int sessreq_pty(struct buf *b, struct sess_pty_req *out)
{
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = buf_get_cstr(b, out->term, sizeof(out->term))) ||
	    (r = buf_get_u32(b, &out->ws.cols)) || (r = buf_get_u32(b, &out->ws.rows)) ||
	    (r = buf_get_u32(b, &out->ws.wpx)) || (r = buf_get_u32(b, &out->ws.hpx)) ||
	    (r = buf_get_string(b, &out->modes, &out->modes_len)) || (r = buf_end(b)))
		return r;
	if (out->modes_len > DB_MAX_TTY_MODES)
		return ERR_TOOBIG;
	/* TERM goes into the environment and names a terminfo file: a plain word only */
	for (i = 0; out->term[i]; i++) {
		unsigned char ch = (unsigned char)out->term[i];
		if (ch <= ' ' || ch >= 127 || ch == '/' || ch == '=')
			return ERR_INVALID;
	}
	return 0;
}

/* ---- terminal modes (RFC 4254 section 8, RFC 8160 for IUTF8) */

enum { MODE_CC, MODE_I, MODE_L, MODE_O, MODE_C };

struct ttymode {
	uint8_t op;
	uint8_t kind;
	tcflag_t flag; /* for MODE_CC: the c_cc index */
};

static const struct ttymode modes[] = {
        {1, MODE_CC, VINTR},   {2, MODE_CC, VQUIT},     {3, MODE_CC, VERASE},
        {4, MODE_CC, VKILL},   {5, MODE_CC, VEOF},      {6, MODE_CC, VEOL},
        {7, MODE_CC, VEOL2},   {8, MODE_CC, VSTART},    {9, MODE_CC, VSTOP},
        {10, MODE_CC, VSUSP},  {12, MODE_CC, VREPRINT}, {13, MODE_CC, VWERASE},
        {14, MODE_CC, VLNEXT}, {18, MODE_CC, VDISCARD}, {30, MODE_I, IGNPAR},
        {31, MODE_I, PARMRK},  {32, MODE_I, INPCK},     {33, MODE_I, ISTRIP},
        {34, MODE_I, INLCR},   {35, MODE_I, IGNCR},     {36, MODE_I, ICRNL},
        {37, MODE_I, IUCLC},   {38, MODE_I, IXON},      {39, MODE_I, IXANY},
        {40, MODE_I, IXOFF},   {41, MODE_I, IMAXBEL},   {42, MODE_I, IUTF8},
        {50, MODE_L, ISIG},    {51, MODE_L, ICANON},    {52, MODE_L, XCASE},
        {53, MODE_L, ECHO},    {54, MODE_L, ECHOE},     {55, MODE_L, ECHOK},
        {56, MODE_L, ECHONL},  {57, MODE_L, NOFLSH},    {58, MODE_L, TOSTOP},
        {59, MODE_L, IEXTEN},  {60, MODE_L, ECHOCTL},   {61, MODE_L, ECHOKE},
        {62, MODE_L, PENDIN},  {70, MODE_O, OPOST},     {71, MODE_O, OLCUC},
        {72, MODE_O, ONLCR},   {73, MODE_O, OCRNL},     {74, MODE_O, ONOCR},
        {75, MODE_O, ONLRET},  {92, MODE_C, PARENB},    {93, MODE_C, PARODD},
};

#define TTY_OP_END 0
#define TTY_OP_CS7 90
#define TTY_OP_CS8 91
#define TTY_OP_ISPEED 128
#define TTY_OP_OSPEED 129
#define TTY_OP_LAST 159 /* 160..255 are undefined: parsing stops there */

static const struct {
	uint32_t baud;
	speed_t sp;
} speeds[] = {
        {0, B0},         {50, B50},       {75, B75},         {110, B110},       {134, B134},
        {150, B150},     {200, B200},     {300, B300},       {600, B600},       {1200, B1200},
        {1800, B1800},   {2400, B2400},   {4800, B4800},     {9600, B9600},     {19200, B19200},
        {38400, B38400}, {57600, B57600}, {115200, B115200}, {230400, B230400},
};

static void set_flag(tcflag_t *f, tcflag_t bit, uint32_t on)
{
	if (on)
		*f |= bit;
	else
		*f &= ~bit;
}

static void apply_one(struct termios *t, uint8_t op, uint32_t v)
{
	size_t i;

	if (op == TTY_OP_CS7 || op == TTY_OP_CS8) {
		if (v) {
			t->c_cflag &= ~(tcflag_t)CSIZE;
			t->c_cflag |= op == TTY_OP_CS7 ? CS7 : CS8;
		}
		return;
	}
	if (op == TTY_OP_ISPEED || op == TTY_OP_OSPEED) {
		for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
			if (speeds[i].baud == v) {
				if (op == TTY_OP_ISPEED)
					(void)cfsetispeed(t, speeds[i].sp);
				else
					(void)cfsetospeed(t, speeds[i].sp);
			}
		return;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (modes[i].op != op)
			continue;
		switch (modes[i].kind) {
		case MODE_CC:
			/* 255 means "disabled" in the protocol, as _POSIX_VDISABLE on Linux */
			t->c_cc[modes[i].flag] = (cc_t)(v > 255 ? 255 : v);
			break;
		case MODE_I:
			set_flag(&t->c_iflag, modes[i].flag, v);
			break;
		case MODE_L:
			set_flag(&t->c_lflag, modes[i].flag, v);
			break;
		case MODE_O:
			set_flag(&t->c_oflag, modes[i].flag, v);
			break;
		case MODE_C:
			set_flag(&t->c_cflag, modes[i].flag, v);
			break;
		}
		return;
	}
	/* a mode we do not know: ignored (RFC 4254 8 lets the server do so) */
}

int sessreq_ttymodes(const uint8_t *p, size_t n, struct termios *t)
{
	struct buf b;
	int r;

	buf_view(&b, p, n);
	while (buf_avail(&b)) {
		uint8_t op;
		uint32_t v;
		if ((r = buf_get_u8(&b, &op)))
			return r;
		if (op == TTY_OP_END || op > TTY_OP_LAST)
			return 0;
		if ((r = buf_get_u32(&b, &v)))
			return r;
		apply_one(t, op, v);
	}
	return 0; /* a missing TTY_OP_END is tolerated: the string's length ends it */
}

/* ---- env */

int sessreq_env_accepted(const char *name, size_t n)
{
	return (n == 4 && memcmp(name, "LANG", 4) == 0) || (n > 3 && memcmp(name, "LC_", 3) == 0);
}

int sessreq_env(struct buf *b, char *out, size_t outsz)
{
	const uint8_t *name, *val;
	size_t nn, vn, i;
	int r;

	if ((r = buf_get_string(b, &name, &nn)) || (r = buf_get_string(b, &val, &vn)) ||
	    (r = buf_end(b)))
		return r;
	if (outsz > DB_MAX_ENV_LEN + 1)
		outsz = DB_MAX_ENV_LEN + 1;
	if (nn == 0)
		return ERR_INVALID;
	for (i = 0; i < nn; i++)
		if (name[i] == '=' || name[i] <= ' ' || name[i] >= 127)
			return ERR_INVALID;
	for (i = 0; i < vn; i++)
		if (val[i] < ' ' || val[i] == 127)
			return ERR_INVALID;
	if (!sessreq_env_accepted((const char *)name, nn))
		return ERR_INVALID;
	if (nn + 1 + vn + 1 > outsz)
		return ERR_TOOBIG;
	memcpy(out, name, nn);
	out[nn] = '=';
	if (vn)
		memcpy(out + nn + 1, val, vn);
	out[nn + 1 + vn] = 0;
	return 0;
}

/* ---- signals (RFC 4254 6.10: the names, without "SIG") */

static const struct {
	const char *name;
	int sig;
} signals[] = {
        {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
        {"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
        {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
        {"USR2", SIGUSR2},
};

int sessreq_signal(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(signals[i].name, name) == 0)
			return signals[i].sig;
	return 0;
}

const char *sessreq_signame(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}
