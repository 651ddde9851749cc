/* What a module tells the hosted runtime that the runtime cannot see itself. Only in the hosted
 * build (which defines WASMQTT_HOSTED): guard the include and the calls with #ifdef WASMQTT_HOSTED.
 *
 * The main loop ends when nothing is left to do: no open or pending connection, no armed
 * timer, no posted task, no DNS answer due — and no work a module holds. A module holds the
 * loop open with +1 while it has work the platform does not show (e.g. a client whose session
 * runs), and releases it with -1. */
#ifndef WASMQTT_HOSTED_H
#define WASMQTT_HOSTED_H

void wasmqtt_hosted_busy(int delta);

#endif
