/* test_prep.c - lab batch: hard_prep_xmit pads runts, and frees what it cannot pad. */
#include "helpers.h"

/* Pads a runt to 60 zeroed bytes and leaves full frames alone. */
Test(batch, prep_pads_runt)
{
	static const unsigned int lens[] = { 60, 1514 };
	struct sk_buff *skb;
	unsigned int bad = 0;
	u32 id;

	grade_begin("batch", "prep_pads_runt");
	grade_cmd("ethtool -K sn0 batching btx");
	skb = held_skb("sn0", 60);
	id = skb->kit_id;
	make_runt(skb, 42);
	grade_cmd("hard_prep_xmit sn0 skb#%u", id);
	grade_check(kit_skb_find(grade_kit(), id) == skb && skb->kit_place == SKB_USER, "sn0",
		    "skb#%u is gone after hard_prep_xmit returned: a frame that can be padded "
		    "must come back, not be freed", id);
	grade_check(skb->len == ETH_ZLEN, "sn0",
		    "skb#%u is %u bytes after hard_prep_xmit, expected %u: pad runts to ETH_ZLEN "
		    "and count the padding in skb->len", id, skb->len, ETH_ZLEN);
	for (unsigned int i = 42; i < ETH_ZLEN; i++)
		bad += skb->data[i] != 0;
	grade_check(!bad, "sn0",
		    "%u of the 18 padding bytes of skb#%u are not zero: the padding goes on the "
		    "wire and must be zeroed", bad, id);
	grade_expect("sn0.tx_dropped == 0");
	grade_cmd("skb free skb#%u", id);

	for (unsigned int j = 0; j < 2; j++) {
		u8 first[64];

		skb = held_skb("sn0", lens[j]);
		id = skb->kit_id;
		memcpy(first, skb->data, sizeof(first));
		grade_cmd("hard_prep_xmit sn0 skb#%u", id);
		grade_check(kit_skb_find(grade_kit(), id) == skb && skb->len == lens[j] &&
				    !memcmp(first, skb->data, sizeof(first)),
			    "sn0", "a %u-byte frame changed in hard_prep_xmit (now %u bytes), "
			    "expected it left as it was", lens[j], skb->len);
		grade_cmd("skb free skb#%u", id);
	}
	grade_expect("clean");
	grade_expect("no-bugs");
}

/* A runt without tailroom cannot be padded: freed once, a negative errno, counted by the core. */
Test(batch, prep_failure_frees)
{
	struct sk_buff *skb;
	u32 id;
	int rc;
	char err[256] = "";

	grade_begin("batch", "prep_failure_frees");
	grade_cmd("ethtool -K sn0 batching btx");
	skb = held_skb("sn0", 60);
	id = skb->kit_id;
	make_runt(skb, 42);
	skb->end = skb->tail + 8; /* 8 bytes of tailroom: padding to 60 needs 18 */
	grade_note("C: skb#%u given 8 bytes of tailroom: skb_put_padto cannot pad it", id);
	grade_note("C: hard_prep_xmit sn0 skb#%u, expecting a negative errno", id);
	rc = kit_hard_prep_xmit(grade_dev("sn0"), skb, err, sizeof(err));
	grade_check(rc < 0, "sn0",
		    "hard_prep_xmit returned %d for a runt it could not pad, expected a negative "
		    "errno (skb_put_padto's -ENOMEM)%s%s", rc, *err ? ": " : "", err);
	skb = kit_skb_find(grade_kit(), id);
	grade_check(!skb || skb->kit_place == SKB_FREE, "sn0",
		    "skb#%u is still %s after hard_prep_xmit failed on it, expected it freed "
		    "(skb_put_padto frees on failure; the core never touches it again)", id,
		    skb_place_name((enum skb_place)skb->kit_place));
	grade_expect("sn0.tx_dropped == 1");
	grade_expect("no-bugs");
	grade_expect("clean");
}
