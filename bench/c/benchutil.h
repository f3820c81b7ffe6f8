/* Helpers shared by the C benchmark programs (enetbench, batchloop,
 * batchclient): the stop flag their signal handler sets, the wall and CPU
 * clocks their SERVER and RESULT lines report, and "-name value" argument
 * pairs. Written for this project. */
#ifndef ENETGO_BENCHUTIL_H
#define ENETGO_BENCHUTIL_H

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* catch_signals makes SIGINT and SIGTERM set stop. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* next_flag steps through argv as "-name value" pairs, *i starting at 1:
 * it sets *name (without its leading dashes) and *value and returns 1, or
 * returns 0 when no pair is left. */
static inline int next_flag(int argc, char **argv, int *i, const char **name, const char **value)
{
	if (*i + 1 >= argc)
		return 0;
	const char *k = argv[*i];
	while (*k == '-')
		k++;
	*name = k;
	*value = argv[*i + 1];
	*i += 2;
	return 1;
}

#endif
