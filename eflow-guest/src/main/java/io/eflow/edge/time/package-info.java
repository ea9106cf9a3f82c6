/** Time for spans that must not jump with the system clock: {@link io.eflow.edge.time.MonotonicClock}. */
package io.eflow.edge.time;
