#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"

struct watcher {
	int fd; /* -1: free slot */
	loop_want_fn want;
	loop_fd_fn fn;
	void *arg;
};

struct loop {
	struct watcher *w;
	struct pollfd *pfd;
	size_t n, cap;
	struct loop_timer *timers;
	int stop;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int loop_init(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return ERR_NOMEM;
	*out = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->w);
	free(l->pfd);
	free(l);
}

int loop_add_fd(struct loop *l, int fd, loop_want_fn want, loop_fd_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < l->n && l->w[i].fd >= 0; i++)
		;
	if (i == l->n) {
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 8;
			struct watcher *nw;
			struct pollfd *np;
			if (ncap > LOOP_MAX_FDS)
				ncap = LOOP_MAX_FDS;
			if (ncap <= l->cap)
				return ERR_TOOBIG;
			nw = realloc(l->w, ncap * sizeof(*nw));
			if (!nw)
				return ERR_NOMEM;
			l->w = nw;
			np = realloc(l->pfd, ncap * sizeof(*np));
			if (!np)
				return ERR_NOMEM;
			l->pfd = np;
			l->cap = ncap;
		}
		l->n++;
	}
	l->w[i].fd = fd;
	l->w[i].want = want;
	l->w[i].fn = fn;
	l->w[i].arg = arg;
	return 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (l->w[i].fd == fd)
			l->w[i].fd = -1;
	while (l->n && l->w[l->n - 1].fd < 0)
		l->n--;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	struct loop_timer **pp;
	for (pp = &l->timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->deadline_ms = 0;
	t->next = NULL;
}

void loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t ms, loop_timer_fn fn, void *arg)
{
	loop_timer_cancel(l, t);
	t->deadline_ms = loop_now_ms() + ms;
	if (t->deadline_ms == 0)
		t->deadline_ms = 1;
	t->fn = fn;
	t->arg = arg;
	t->next = l->timers;
	l->timers = t;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

/* Fires every expired timer; returns the milliseconds until the next one (-1: none). */
static int run_timers(struct loop *l)
{
	uint64_t now = loop_now_ms(), next = 0;
	struct loop_timer *t;

again:
	for (t = l->timers; t; t = t->next) {
		if (t->deadline_ms <= now) {
			loop_timer_cancel(l, t); /* a callback may re-arm it */
			t->fn(t->arg);
			if (l->stop)
				return 0;
			goto again; /* the list may have changed under us */
		}
	}
	for (t = l->timers; t; t = t->next)
		if (!next || t->deadline_ms < next)
			next = t->deadline_ms;
	if (!next)
		return -1;
	return next - now > 60000 ? 60000 : (int)(next - now);
}

int loop_run(struct loop *l)
{
	l->stop = 0;
	while (!l->stop) {
		size_t i, n;
		int timeout = run_timers(l), r;

		if (l->stop)
			break;
		n = l->n;
		for (i = 0; i < n; i++) {
			short ev = l->w[i].fd < 0 ? 0
			           : l->w[i].want ? l->w[i].want(l->w[i].arg)
			                          : POLLIN;
			/* No interest: leave the fd out (poll() ignores a negative fd), or a
			 * hung-up pipe or socket would report POLLHUP to every poll() and
			 * spin the loop. */
			l->pfd[i].fd = ev ? l->w[i].fd : -1;
			l->pfd[i].events = ev;
			l->pfd[i].revents = 0;
		}
		r = poll(l->pfd, n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		/* A callback may add or remove watchers: check each slot still holds the fd
		 * that was polled. */
		for (i = 0; i < n && i < l->n && !l->stop; i++) {
			if (!l->pfd[i].revents || l->w[i].fd != l->pfd[i].fd || l->w[i].fd < 0)
				continue;
			l->w[i].fn(l->w[i].arg, l->w[i].fd, l->pfd[i].revents);
		}
	}
	return 0;
}
