/*
 * hakuriver-spawn EXIT_LOG TASK_ID PROGRAM [ARG...]
 *
 * What the Runner's plain-process backend puts between itself and a task, in one exec: a new session (so kill,
 * pause and resume reach the task's whole process group, and a Runner restart leaves it running), the task as its
 * child with default signal handling, and — when the task ends — the line "TASK_ID STATUS" appended to EXIT_LOG,
 * so a restarted Runner that re-attached to the task learns how it ended. It exits with the task's status (128+N
 * for a task ended by signal N). The same as `setsid sh -c '<wrapper>' EXIT_LOG TASK_ID PROGRAM ARG...`, without
 * two execs of dynamically linked programs per task. Built static by scripts/build-native.sh; the Runner falls back
 * to setsid and sh when it is not there or does not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--version") == 0) { puts("hakuriver-spawn 1"); return 0; }
    if (argc < 4) {
        fprintf(stderr, "usage: hakuriver-spawn EXIT_LOG TASK_ID PROGRAM [ARG...]\n");
        return 125;
    }
    setsid(); /* fails only for a process group leader, which a freshly started child is not */
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hakuriver-spawn: cannot fork: %s\n", strerror(errno));
        return 126;
    }
    if (pid == 0) {
        /* the task starts with nothing blocked and nothing ignored, whatever the JVM had set */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
        execvp(argv[3], argv + 3);
        int e = errno;
        fprintf(stderr, "hakuriver-spawn: %s: %s\n", argv[3], strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) return 126;
    }
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 126;
    char line[64];
    int n = snprintf(line, sizeof line, "%s %d\n", argv[2], code);
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (n > 0 && n < (int) sizeof line) (void) !write(fd, line, (size_t) n); /* one write: lines never interleave */
        close(fd);
    }
    return code;
}
