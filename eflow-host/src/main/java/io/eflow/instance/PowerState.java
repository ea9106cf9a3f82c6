package io.eflow.instance;

/** Get-EflowVm's VmPowerState. */
public enum PowerState { RUNNING, STOPPED }
