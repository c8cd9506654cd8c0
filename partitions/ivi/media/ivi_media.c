/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ivi_media: the IVI's "now playing" sender on link 'media'. Every two
 * seconds it sends the current track as one UDP datagram to the cluster
 * (default 10.42.0.2, port 5005), which shows it in its frame line. A
 * separate program so that the IVI application (partitions/ivi/app) stays
 * about navigation; usage: ivi_media [ADDR [PORT [COUNT]]], COUNT 0 = forever.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const tracks[] = {
    "Kraftwerk - Autobahn",
    "Daft Punk - Around the World",
    "Miles Davis - So What",
    "Nina Simone - Feeling Good",
};

int main(int argc, char **argv)
{
    const char *addr = (argc > 1) ? argv[1] : "10.42.0.2";
    int port = (argc > 2) ? atoi(argv[2]) : 5005;
    long count = (argc > 3) ? atol(argv[3]) : 0;
    struct sockaddr_in to;
    long n;
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    if (s < 0) {
        perror("ivi_media: socket");
        return 1;
    }
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
        fprintf(stderr, "ivi_media: not an IPv4 address: %s\n", addr);
        return 1;
    }
    printf("IVI: media sender to %s:%d\n", addr, port);
    fflush(stdout);
    for (n = 0; (count == 0) || (n < count); n++) {
        char msg[64];
        int len = snprintf(msg, sizeof(msg), "now playing: %s", tracks[(n / 5) % 4]);

        /* No peer yet, or the link is down: the datagram is lost, the next one goes out. */
        (void)sendto(s, msg, (size_t)len, 0, (const struct sockaddr *)&to, sizeof(to));
        sleep(2);
    }
    close(s);
    return 0;
}
