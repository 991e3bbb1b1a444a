/* svr-env.c: the child's environment and login messages, as Dropbear sets them: USER,
 * LOGNAME, HOME, SHELL, PATH, TERM and SSH_TTY with a pty, SSH_CONNECTION, SSH_CLIENT,
 * SSH_ORIGINAL_COMMAND under a forced command, the client's accepted env requests and
 * authorized_keys environment= (when the auth layer passed any). -e keeps the server's
 * own environment underneath. Runs in the forked child, before exec. */
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "svr-session.h"

static void addr_port(const struct sockaddr_storage *ss, socklen_t len, char *ip, size_t ipsz,
                      char *port, size_t portsz)
{
	if (sockaddr_numeric((const struct sockaddr *)ss, len, ip, ipsz, port, portsz) != 0) {
		snprintf(ip, ipsz, "0.0.0.0");
		snprintf(port, portsz, "0");
	}
}

void sess_conn_addrs(const struct conn *c, char *out, size_t outsz, char *peer_ip, size_t peer_ipsz)
{
	struct sockaddr_storage a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);
	char ip1[NI_MAXHOST] = "0.0.0.0", p1[NI_MAXSERV] = "0", ip2[NI_MAXHOST] = "0.0.0.0",
	     p2[NI_MAXSERV] = "0";

	if (getpeername(c->fd, (struct sockaddr *)&a, &al) == 0)
		addr_port(&a, al, ip1, sizeof(ip1), p1, sizeof(p1));
	if (getsockname(c->fd, (struct sockaddr *)&b, &bl) == 0)
		addr_port(&b, bl, ip2, sizeof(ip2), p2, sizeof(p2));
	/* a v4-mapped address reads as plain IPv4, as the client knows itself */
	if (strncmp(ip1, "::ffff:", 7) == 0 && strchr(ip1 + 7, '.'))
		memmove(ip1, ip1 + 7, strlen(ip1 + 7) + 1);
	if (strncmp(ip2, "::ffff:", 7) == 0 && strchr(ip2 + 7, '.'))
		memmove(ip2, ip2 + 7, strlen(ip2 + 7) + 1);
	snprintf(out, outsz, "%s %s %s %s", ip1, p1, ip2, p2);
	if (peer_ip)
		snprintf(peer_ip, peer_ipsz, "%s", ip1);
}

int sess_child_env(struct conn *c, struct chansess *s, const struct sess_cmd *k)
{
	const struct svr_user *u = &c->srv->user;
	const struct svr_restrict *rs = &c->srv->restrict_;
	char conn_s[2 * NI_MAXHOST + 2 * NI_MAXSERV + 4], client[sizeof(conn_s)];
	char *sp;
	int i, bad = 0;

	if (!c->srv->opts->pass_env && clearenv() != 0)
		return ERR_IO;
	for (i = 0; i < s->nenv; i++)
		bad |= putenv(s->env[i]);
	bad |= setenv("USER", u->name, 1);
	bad |= setenv("LOGNAME", u->name, 1);
	bad |= setenv("HOME", u->home, 1);
	bad |= setenv("SHELL", u->shell, 1);
	bad |= setenv("PATH", u->uid == 0 ? DB_DEFAULT_ROOT_PATH : DB_DEFAULT_PATH, 1);
	if (s->have_pty) {
		if (s->term[0])
			bad |= setenv("TERM", s->term, 1);
		bad |= setenv("SSH_TTY", s->tty, 1);
	}
	sess_conn_addrs(c, conn_s, sizeof(conn_s), NULL, 0);
	bad |= setenv("SSH_CONNECTION", conn_s, 1);
	/* SSH_CLIENT: "client_ip client_port server_port" */
	snprintf(client, sizeof(client), "%s", conn_s);
	if ((sp = strrchr(client, ' ')) && sp > client) {
		char *sp2;
		*sp = 0;
		if ((sp2 = strrchr(client, ' '))) {
			*sp2 = 0;
			snprintf(client + strlen(client), sizeof(client) - strlen(client), " %s",
			         sp + 1);
		}
	}
	bad |= setenv("SSH_CLIENT", client, 1);
	if (k->orig_cmd)
		bad |= setenv("SSH_ORIGINAL_COMMAND", k->orig_cmd, 1);
	else
		unsetenv("SSH_ORIGINAL_COMMAND");
	/* Dropbear's: the comment of the authorized_keys line that let the user in */
	if (rs->pubkey_info[0])
		bad |= setenv("SSH_PUBKEYINFO", rs->pubkey_info, 1);
	else
		unsetenv("SSH_PUBKEYINFO");
	/* environment="..." from authorized_keys: the auth layer only passes them when
	 * DB_AUTHKEYS_ENVIRONMENT allows; like OpenSSH they override the defaults */
	for (i = 0; i < rs->nenvironment; i++)
		if (rs->environment[i] && strchr(rs->environment[i], '='))
			bad |= putenv(rs->environment[i]);
	return bad ? ERR_NOMEM : 0;
}

void sess_child_motd(struct conn *c)
{
	char path[DB_MAX_PATH + 16], buf[DB_MAX_MOTD];
	struct stat st;
	ssize_t n;
	int fd;

	if (c->srv->opts->no_motd)
		return;
	snprintf(path, sizeof(path), "%s/.hushlogin", c->srv->user.home);
	if (stat(path, &st) == 0)
		return;
	if ((fd = open("/etc/motd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		(void)!write(STDOUT_FILENO, buf, (size_t)n);
}
