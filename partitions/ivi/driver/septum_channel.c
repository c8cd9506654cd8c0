// SPDX-License-Identifier: GPL-2.0-only
/*
 * septum_channel: Septum's shared-memory channels for a Linux partition.
 *
 * Binds to the "septum,channel" nodes of the partition's device tree
 * (docs/bindings/septum,channel.yaml) and gives each channel a character
 * device, /dev/septum/<name>: mmap of the shared region with the partition's
 * permission, read/poll that wait for the doorbell interrupt and return the
 * control page's PENDING mask (who signaled, and whether a peer's state
 * changed), write/ioctl that NOTIFY chosen peers, and an ioctl that describes
 * the channel and its peers. The interface and its errors are documented in
 * septum_channel_uapi.h; the control page in septum/chan_abi.h.
 *
 * The control page is emulated by the hypervisor: every access traps, so the
 * driver reads it only where it must (the doorbell handler, notify, info). It
 * never busy-waits: readers sleep on a wait queue that the doorbell handler
 * wakes. Unbinding (rmmod) may happen while files are open: the channel
 * object is reference-counted and open files then get ENODEV; mappings stay
 * valid (the region belongs to the partition for its whole life).
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "septum_channel_uapi.h"

#define SC_DRV "septum_channel"

/* One channel of this partition. */
struct sc_chan {
	struct kref ref;            /* the device's reference + one per open file */
	struct miscdevice misc;
	struct device *dev;
	char devname[SEPTUM_CHAN_NAME_MAX + 8];   /* "septum_<name>" (sysfs, IRQ) */
	char nodename[SEPTUM_CHAN_NAME_MAX + 8];  /* "septum/<name>" (/dev) */
	char name[SEPTUM_CHAN_NAME_MAX];
	char peers[SEPTUM_CHAN_MAX_PEERS][SEPTUM_CHAN_NAME_MAX];
	phys_addr_t shm;
	u64 size;
	u32 self;
	u32 num_peers;
	u32 perm;
	void __iomem *ctl;
	int irq;                    /* < 0: no doorbell */
	struct mutex lock;          /* gone, and control page use from process context */
	bool gone;                  /* unbound: no control page any more */
	u32 throttled;              /* THROTTLED as last read (under lock) */
	spinlock_t plock;           /* pending */
	u32 pending;                /* PENDING bits collected by the doorbell handler, not read yet */
	wait_queue_head_t wq;
};

static void sc_free(struct kref *ref)
{
	kfree(container_of(ref, struct sc_chan, ref));
}

/* The doorbell: collect who signaled (reading PENDING clears it) and wake the readers. */
static irqreturn_t sc_irq(int irq, void *data)
{
	struct sc_chan *c = data;
	u32 bits = readl(c->ctl + SEPTUM_CHAN_PENDING);
	unsigned long flags;

	if (bits != 0) {
		/* irqsave: probe also calls this, with interrupts on. */
		spin_lock_irqsave(&c->plock, flags);
		c->pending |= bits;
		spin_unlock_irqrestore(&c->plock, flags);
		wake_up_interruptible(&c->wq);
	}
	/* The line is the channel's alone; a doorbell whose bits an earlier read took is still ours. */
	return IRQ_HANDLED;
}

static u32 sc_take_pending(struct sc_chan *c)
{
	u32 bits;

	spin_lock_irq(&c->plock);
	bits = c->pending;
	c->pending = 0;
	spin_unlock_irq(&c->plock);
	return bits;
}

/* Peers this one may signal: every other peer. */
static u32 sc_notify_mask(const struct sc_chan *c)
{
	return (u32)GENMASK(c->num_peers - 1, 0) & ~BIT(c->self);
}

static int sc_notify(struct sc_chan *c, u32 mask)
{
	int ret = 0;

	if (mask == 0 || (mask & ~sc_notify_mask(c)) != 0)
		return -EINVAL;
	mutex_lock(&c->lock);
	if (c->gone) {
		ret = -ENODEV;
	} else {
		u32 t;

		writel(mask, c->ctl + SEPTUM_CHAN_NOTIFY);
		/*
		 * The channel's rate bound (notify_rate) refuses a NOTIFY as a
		 * whole and counts it in THROTTLED (chan_abi.h): tell the caller,
		 * who may retry later, instead of pretending it was delivered.
		 */
		t = readl(c->ctl + SEPTUM_CHAN_THROTTLED);
		if (t != c->throttled)
			ret = -EAGAIN;
		c->throttled = t;
	}
	mutex_unlock(&c->lock);
	return ret;
}

static int sc_peer_state(struct sc_chan *c, u32 *state)
{
	int ret = 0;

	mutex_lock(&c->lock);
	if (c->gone)
		ret = -ENODEV;
	else
		*state = readl(c->ctl + SEPTUM_CHAN_PEER_STATE);
	mutex_unlock(&c->lock);
	return ret;
}

static int sc_open(struct inode *inode, struct file *f)
{
	/* misc_open() set private_data to our miscdevice; misc_deregister() waits for it. */
	struct sc_chan *c = container_of(f->private_data, struct sc_chan, misc);

	kref_get(&c->ref);
	f->private_data = c;
	return nonseekable_open(inode, f);
}

static int sc_release(struct inode *inode, struct file *f)
{
	struct sc_chan *c = f->private_data;

	kref_put(&c->ref, sc_free);
	return 0;
}

static ssize_t sc_read(struct file *f, char __user *buf, size_t len, loff_t *off)
{
	struct sc_chan *c = f->private_data;
	u32 bits;
	int ret;

	if (len < sizeof(u32))
		return -EINVAL;
	if (c->irq < 0)
		return -ENXIO;
	for (;;) {
		bits = sc_take_pending(c);
		if (bits != 0)
			break;
		if (READ_ONCE(c->gone))
			return -ENODEV;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(c->wq, READ_ONCE(c->pending) != 0 || READ_ONCE(c->gone));
		if (ret)
			return ret;
	}
	if (put_user(bits, (u32 __user *)buf)) {
		/* Nobody got them: keep them for the next read. */
		spin_lock_irq(&c->plock);
		c->pending |= bits;
		spin_unlock_irq(&c->plock);
		return -EFAULT;
	}
	return sizeof(u32);
}

static ssize_t sc_write(struct file *f, const char __user *buf, size_t len, loff_t *off)
{
	struct sc_chan *c = f->private_data;
	u32 mask;
	int ret;

	if (len != sizeof(u32))
		return -EINVAL;
	if (get_user(mask, (const u32 __user *)buf))
		return -EFAULT;
	ret = sc_notify(c, mask);
	return ret ? ret : (ssize_t)sizeof(u32);
}

static __poll_t sc_poll(struct file *f, poll_table *pt)
{
	struct sc_chan *c = f->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	if (c->irq < 0)
		return mask | EPOLLERR;
	poll_wait(f, &c->wq, pt);
	if (READ_ONCE(c->pending) != 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(c->gone))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

static int sc_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct sc_chan *c = f->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long pages = (unsigned long)(c->size >> PAGE_SHIFT);

	/* A private (copy-on-write) view of shared memory makes no sense. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= pages || (len >> PAGE_SHIFT) > pages - vma->vm_pgoff)
		return -EINVAL;
	if (!(c->perm & SEPTUM_CHAN_PERM_W)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		/* Nor may mprotect() make it writable later. */
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	if (READ_ONCE(c->gone))
		return -ENODEV;
	/*
	 * Normal non-cacheable: the other peers may look at the region with their
	 * MMU off (bare-metal partitions), i.e. uncached; plain loads, stores and
	 * memcpy (unaligned accesses included) work, unlike on Device memory.
	 */
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, PHYS_PFN(c->shm) + vma->vm_pgoff, len, vma->vm_page_prot);
}

static long sc_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct sc_chan *c = f->private_data;
	void __user *uarg = (void __user *)arg;
	struct septum_chan_info info;
	struct septum_chan_peer peer;
	u32 state;
	u32 mask;
	int ret;

	switch (cmd) {
	case SEPTUM_CHAN_IOC_INFO:
		ret = sc_peer_state(c, &state);
		if (ret)
			return ret;
		memset(&info, 0, sizeof(info));
		info.size = c->size;
		info.self = c->self;
		info.num_peers = c->num_peers;
		info.perm = c->perm;
		info.peer_state = state;
		strscpy(info.name, c->name, sizeof(info.name));
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case SEPTUM_CHAN_IOC_PEER:
		if (copy_from_user(&peer, uarg, sizeof(peer)))
			return -EFAULT;
		if (peer.index >= c->num_peers)
			return -EINVAL;
		ret = sc_peer_state(c, &state);
		if (ret)
			return ret;
		peer.running = (state >> peer.index) & 1u;
		memset(peer.name, 0, sizeof(peer.name));
		strscpy(peer.name, c->peers[peer.index], sizeof(peer.name));
		return copy_to_user(uarg, &peer, sizeof(peer)) ? -EFAULT : 0;
	case SEPTUM_CHAN_IOC_NOTIFY:
		if (get_user(mask, (u32 __user *)uarg))
			return -EFAULT;
		return sc_notify(c, mask);
	case SEPTUM_CHAN_IOC_READY:
		/* The control page's READY register (chan_abi.h): this partition is ready. */
		writel(1u, c->ctl + SEPTUM_CHAN_READY);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sc_fops = {
	.owner = THIS_MODULE,
	.open = sc_open,
	.release = sc_release,
	.read = sc_read,
	.write = sc_write,
	.poll = sc_poll,
	.mmap = sc_mmap,
	.unlocked_ioctl = sc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

/* Channel and partition names are C identifiers (the generator checks it): safe in /dev and sysfs. */
static bool sc_name_ok(const char *s)
{
	size_t n = strnlen(s, SEPTUM_CHAN_NAME_MAX);
	size_t i;

	if (n == 0 || n >= SEPTUM_CHAN_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return true;
}

/* What the control page says must agree with the device tree. */
static int sc_read_ctl(struct sc_chan *c, const struct resource *shm, struct device_node *np)
{
	u32 dt_self;
	int n;
	int i;

	c->self = readl(c->ctl + SEPTUM_CHAN_SELF);
	c->num_peers = readl(c->ctl + SEPTUM_CHAN_PEERS);
	c->size = readl(c->ctl + SEPTUM_CHAN_SIZE_LO) | ((u64)readl(c->ctl + SEPTUM_CHAN_SIZE_HI) << 32);
	c->perm = readl(c->ctl + SEPTUM_CHAN_PERM);
	if (c->num_peers < 2 || c->num_peers > SEPTUM_CHAN_MAX_PEERS || c->self >= c->num_peers) {
		dev_err(c->dev, "control page: peer %u of %u is not a channel\n", c->self, c->num_peers);
		return -ENODEV;
	}
	if (c->size != resource_size(shm) || !PAGE_ALIGNED(c->size) || !PAGE_ALIGNED(shm->start)) {
		dev_err(c->dev, "control page: size %llu does not match reg %pR\n", c->size, shm);
		return -ENODEV;
	}
	if (!(c->perm & SEPTUM_CHAN_PERM_R)) {
		dev_err(c->dev, "control page: permission %#x\n", c->perm);
		return -ENODEV;
	}
	if (!of_property_read_u32(np, "septum,peer-index", &dt_self) && dt_self != c->self) {
		dev_err(c->dev, "septum,peer-index %u, control page says %u\n", dt_self, c->self);
		return -ENODEV;
	}
	n = of_property_count_strings(np, "septum,peers");
	for (i = 0; i < (int)c->num_peers; i++) {
		const char *s = NULL;

		if (n == (int)c->num_peers && !of_property_read_string_index(np, "septum,peers", i, &s) &&
		    sc_name_ok(s))
			strscpy(c->peers[i], s, sizeof(c->peers[i]));
		else
			snprintf(c->peers[i], sizeof(c->peers[i]), "peer%d", i);
	}
	return 0;
}

static int sc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct resource *shm;
	struct resource *ctl;
	const char *name;
	struct sc_chan *c;
	int ret;

	if (of_property_read_string(np, "septum,name", &name) || !sc_name_ok(name)) {
		dev_err(dev, "missing or bad septum,name\n");
		return -EINVAL;
	}
	shm = platform_get_resource_byname(pdev, IORESOURCE_MEM, "shm");
	ctl = platform_get_resource_byname(pdev, IORESOURCE_MEM, "ctl");
	if (!shm || !ctl || resource_size(ctl) < SEPTUM_CHAN_PEER_STATE + 4) {
		dev_err(dev, "needs reg \"shm\" and \"ctl\"\n");
		return -EINVAL;
	}
	if (!devm_request_mem_region(dev, shm->start, resource_size(shm), dev_name(dev)))
		return -EBUSY;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	kref_init(&c->ref);
	mutex_init(&c->lock);
	spin_lock_init(&c->plock);
	init_waitqueue_head(&c->wq);
	c->dev = dev;
	c->shm = shm->start;
	strscpy(c->name, name, sizeof(c->name));
	snprintf(c->devname, sizeof(c->devname), "septum_%s", name);
	snprintf(c->nodename, sizeof(c->nodename), "septum/%s", name);
	c->ctl = ioremap(ctl->start, resource_size(ctl));
	if (!c->ctl) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = sc_read_ctl(c, shm, np);
	if (ret)
		goto err_unmap;
	c->throttled = readl(c->ctl + SEPTUM_CHAN_THROTTLED);
	c->irq = platform_get_irq_optional(pdev, 0);
	if (c->irq == -EPROBE_DEFER) {
		ret = c->irq;
		goto err_unmap;
	}
	if (c->irq > 0) {
		ret = request_irq(c->irq, sc_irq, 0, c->devname, c);
		if (ret)
			goto err_unmap;
		/* Signals that arrived before the driver: the first reader gets them. */
		sc_irq(c->irq, c);
	} else {
		c->irq = -ENXIO;
	}
	c->misc.minor = MISC_DYNAMIC_MINOR;
	c->misc.name = c->devname;
	c->misc.nodename = c->nodename;
	c->misc.fops = &sc_fops;
	c->misc.parent = dev;
	c->misc.mode = 0600;
	ret = misc_register(&c->misc);
	if (ret)
		goto err_irq;
	platform_set_drvdata(pdev, c);
	dev_info(dev, "channel '%s': /dev/%s, %llu bytes %s, peer %u of %u, peers running %#x, doorbell %s\n",
		 c->name, c->nodename, c->size, (c->perm & SEPTUM_CHAN_PERM_W) ? "rw" : "ro", c->self, c->num_peers,
		 readl(c->ctl + SEPTUM_CHAN_PEER_STATE), c->irq > 0 ? "yes" : "none");
	return 0;

err_irq:
	if (c->irq > 0)
		free_irq(c->irq, c);
err_unmap:
	iounmap(c->ctl);
err_free:
	kfree(c);
	return ret;
}

static int sc_remove(struct platform_device *pdev)
{
	struct sc_chan *c = platform_get_drvdata(pdev);

	/* No new opens after this; open files see gone and stop using the control page. */
	misc_deregister(&c->misc);
	mutex_lock(&c->lock);
	c->gone = true;
	mutex_unlock(&c->lock);
	if (c->irq > 0)
		free_irq(c->irq, c);
	iounmap(c->ctl);
	wake_up_interruptible_all(&c->wq);
	kref_put(&c->ref, sc_free);
	return 0;
}

static const struct of_device_id sc_of_match[] = {
	{ .compatible = "septum,channel" },
	{ }
};
MODULE_DEVICE_TABLE(of, sc_of_match);

static struct platform_driver sc_driver = {
	.probe = sc_probe,
	.remove = sc_remove,
	.driver = {
		.name = SC_DRV,
		.of_match_table = sc_of_match,
	},
};
module_platform_driver(sc_driver);

MODULE_DESCRIPTION("Septum shared-memory channels: /dev/septum/<name>");
MODULE_LICENSE("GPL");
