/* loop.h: one poll() loop with timers, per process.
 *
 * A watcher is an fd with a callback; before every poll() its want() callback says
 * which events it wants right now (0: none), so that backpressure is a property of the
 * state (a full outgoing queue means no POLLIN on the fd that fills it), not something to
 * remember to switch. Timers are caller-owned structs on a list, with deadlines on the
 * monotonic clock. Nothing here allocates per event; the watcher table grows up to
 * LOOP_MAX_FDS. */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

#define LOOP_MAX_FDS 1024

struct loop;

/* Events this fd should be polled for now (POLLIN, POLLOUT or 0). */
typedef short (*loop_want_fn)(void *arg);
/* Called with the revents poll() reported (POLLERR/POLLHUP/POLLNVAL included). */
typedef void (*loop_fd_fn)(void *arg, int fd, short revents);
typedef void (*loop_timer_fn)(void *arg);

struct loop_timer {
	uint64_t deadline_ms; /* monotonic; 0 when not armed */
	loop_timer_fn fn;
	void *arg;
	struct loop_timer *next;
};

int loop_init(struct loop **out);
void loop_free(struct loop *l);
/* Watches fd until loop_del_fd. A NULL want means "always POLLIN". */
int loop_add_fd(struct loop *l, int fd, loop_want_fn want, loop_fd_fn fn, void *arg);
void loop_del_fd(struct loop *l, int fd);
/* Arms (or re-arms) t to fire once after ms milliseconds. */
void loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t ms, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
/* Polls and dispatches until loop_stop() is called; 0, or ERR_IO when poll() failed
 * (EINTR is not a failure: signal handlers should write to a self-pipe the loop watches). */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
/* Milliseconds on the monotonic clock. */
uint64_t loop_now_ms(void);

#endif
