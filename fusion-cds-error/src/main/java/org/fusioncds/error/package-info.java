/** Coded errors shared by every step of the flow ({@code FCDS-NNNN}, ranges in DESIGN.md). */
package org.fusioncds.error;
