/*
 * vfiochk: the kernel's own answer on a VFIO group, for the lab's tests.
 *   vfiochk status /dev/vfio/N   prints "viable=1" or "viable=0" (VFIO_GROUP_GET_STATUS)
 *   vfiochk hold /dev/vfio/N     holds the group as a guest's qemu does (in a type1 container, so
 *                                the kernel counts it as DMA-owned by userspace) until killed
 * Built static by build.sh and put in the guest's /usr/bin.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "status") != 0 && strcmp(argv[1], "hold") != 0)) {
        fprintf(stderr, "usage: vfiochk status|hold /dev/vfio/N\n");
        return 2;
    }

    int fd = open(argv[2], O_RDWR);
    if (fd < 0) {
        perror(argv[2]);
        return 1;
    }

    if (strcmp(argv[1], "hold") == 0) {
        /* Opening the group alone claims nothing; attaching it to a container does. */
        int container = open("/dev/vfio/vfio", O_RDWR);
        if (container < 0 || ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) != 0
            || ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) != 0) {
            perror("hold");
            return 1;
        }
        printf("holding %s\n", argv[2]);
        fflush(stdout);
        for (;;)
            pause();
    }

    struct vfio_group_status status = { .argsz = sizeof status };
    if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) != 0) {
        perror("VFIO_GROUP_GET_STATUS");
        return 1;
    }

    printf("viable=%d\n", (status.flags & VFIO_GROUP_FLAGS_VIABLE) ? 1 : 0);
    return 0;
}
