/*
 * A static program run inside the sandbox by test_sandbox.sh (the tree
 * holds nothing else it could use). Each mode tries one thing a hostile
 * maintainer script could try and prints what happened.
 *   net            interfaces and whether they are up; connects out
 *   escape         creates ESCAPE_* files through ../.., /proc/1/root,
 *                  /proc/1/cwd and the double-chroot trick
 *   hang MARKER    forks a detached child ignoring SIGTERM; both sleep
 *   ids            uid, gid, pid
 *   forge          writes fake status messages to init's descriptors
 *                  (/proc/1/fd/N), then exits 7
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int net(void)
{
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0) {
        printf("getifaddrs: %s\n", strerror(errno));
    } else {
        for (struct ifaddrs *i = list; i; i = i->ifa_next)
            if (i->ifa_addr == NULL || i->ifa_addr->sa_family == AF_PACKET)
                printf("iface %s %s\n", i->ifa_name, (i->ifa_flags & IFF_UP) ? "up" : "down");
        freeifaddrs(list);
    }
    const char *targets[] = {"127.0.0.1", "10.0.2.2", "1.1.1.1"};
    for (int t = 0; t < 3; t++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80)};
        inet_pton(AF_INET, targets[t], &sa.sin_addr);
        int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
        printf("connect %s %s\n", targets[t], rc == 0 ? "ok" : strerror(errno));
        close(fd);
    }
    return 0;
}

static void try_create(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("create %s %s\n", path, fd >= 0 ? "ok" : strerror(errno));
    if (fd >= 0)
        close(fd);
}

static int escape(void)
{
    try_create("/../../../../ESCAPE_dotdot");
    try_create("/proc/1/root/../../../ESCAPE_proc1root");
    try_create("/proc/1/cwd/../../../ESCAPE_proc1cwd");
    try_create("/proc/self/root/../../ESCAPE_selfroot");
    /* The classic escape from a plain chroot(2): a nested chroot, then ../ */
    mkdir("/chroot-trick", 0755);
    if (chroot("/chroot-trick") != 0) {
        printf("chroot %s\n", strerror(errno));
    } else {
        for (int i = 0; i < 64; i++)
            if (chdir("..") != 0)
                break;
        printf("chroot . %s\n", chroot(".") == 0 ? "ok" : strerror(errno));
        try_create("ESCAPE_chroot");
    }
    return 0;
}

static _Noreturn void hang(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        for (;;)
            pause();
    }
    printf("forked %d\n", (int)pid);
    fflush(stdout);
    for (;;)
        pause();
}

static int forge(void)
{
    int forged = 0;
    int fake[3] = {3, 0, 0}; /* "the command exited with status 0" */
    for (int n = 0; n < 64; n++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/1/fd/%d", n);
        int fd = open(path, O_WRONLY);
        if (fd >= 0 && write(fd, fake, sizeof fake) == (ssize_t)sizeof fake)
            forged++;
        if (fd >= 0)
            close(fd);
    }
    printf("forged %d\n", forged);
    return 7;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "forge") == 0)
        return forge();
    if (argc >= 2 && strcmp(argv[1], "net") == 0)
        return net();
    if (argc >= 2 && strcmp(argv[1], "escape") == 0)
        return escape();
    if (argc >= 3 && strcmp(argv[1], "hang") == 0)
        hang();
    if (argc >= 2 && strcmp(argv[1], "ids") == 0) {
        printf("uid %d gid %d pid %d\n", (int)getuid(), (int)getgid(), (int)getpid());
        return 0;
    }
    return 2;
}
