/*
 * fuzz_frame: proto_decode() on a byte stream as a peer might send it. The
 * same bytes are decoded twice: whole, as client_recv() sees a reply that
 * arrived at once, and in pieces, as zccached sees a request that trickles
 * in. Both readers must see the same frames and the same error at the same
 * place, a partial frame must never decode, and every decoded message must
 * survive proto_encode() and decode to an equal object.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "proto.h"

#define MAX_FRAMES 64

struct frame {
	int r;
	size_t consumed;
	json_t *msg;
};

/* Decode frames off the front of data until one is incomplete or bad. */
static size_t decode_all(const uint8_t *data, size_t len, struct frame *out)
{
	size_t n = 0, off = 0;

	while (n < MAX_FRAMES) {
		struct frame *f = &out[n];

		f->r = proto_decode(data + off, len - off, &f->consumed, &f->msg);
		FUZZ_CHECK(f->r == 1 || f->r == 0 || f->r == -EMSGSIZE || f->r == -EBADMSG);
		if (f->r == 0) {
			FUZZ_CHECK(f->consumed == 0 && !f->msg);
			break;
		}
		n++;
		if (f->r == -EMSGSIZE) {
			FUZZ_CHECK(f->consumed == 0 && !f->msg);
			break;
		}
		/* Bad or good, the frame is all of its announced length. */
		FUZZ_CHECK(f->consumed >= PROTO_HEADER_SIZE && f->consumed <= len - off);
		FUZZ_CHECK(f->r == 1 ? json_is_object(f->msg) : !f->msg);
		if (f->r < 0)
			break; /* the server closes the connection here */
		off += f->consumed;
	}
	return n;
}

/* A decoded message is one proto_encode() can send back unchanged. */
static void check_reencode(json_t *msg)
{
	struct buf b = BUF_INIT;
	size_t used;
	json_t *again;

	FUZZ_CHECK(proto_encode(msg, &b) == 0);
	FUZZ_CHECK(proto_decode(b.data, b.len, &used, &again) == 1);
	FUZZ_CHECK(used == b.len);
	FUZZ_CHECK(json_equal(msg, again));
	json_decref(again);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frame whole[MAX_FRAMES], pieces[MAX_FRAMES];
	struct buf in = BUF_INIT;
	size_t n_whole, n_pieces = 0, step, fed = 0;

	if (size == 0)
		return 0;
	/* The first byte picks the piece size (1..256 bytes); the rest is the stream. */
	step = (size_t)data[0] + 1;
	data++;
	size--;

	n_whole = decode_all(data, size, whole);
	for (size_t i = 0; i < n_whole; i++)
		if (whole[i].msg)
			check_reencode(whole[i].msg);

	/* The trickle: decode after every piece, dropping what was consumed. */
	while (fed < size && n_pieces < n_whole) {
		size_t k = size - fed < step ? size - fed : step;

		FUZZ_CHECK(buf_append(&in, data + fed, k) == 0);
		fed += k;
		for (;;) {
			struct frame *f = &pieces[n_pieces];

			f->r = proto_decode(in.data, in.len, &f->consumed, &f->msg);
			if (f->r == 0)
				break;
			FUZZ_CHECK(f->r == whole[n_pieces].r);
			FUZZ_CHECK(f->consumed == whole[n_pieces].consumed);
			FUZZ_CHECK(json_equal(f->msg, whole[n_pieces].msg) ||
			           (!f->msg && !whole[n_pieces].msg));
			json_decref(f->msg);
			n_pieces++;
			if (f->r < 0 || n_pieces == n_whole)
				break;
			buf_consume(&in, f->consumed);
		}
		if (n_pieces && pieces[n_pieces - 1].r < 0)
			break;
	}
	/* Every frame the whole reader saw, the trickle saw too. */
	FUZZ_CHECK(n_pieces == n_whole);

	for (size_t i = 0; i < n_whole; i++)
		json_decref(whole[i].msg);
	buf_free(&in);
	return 0;
}
