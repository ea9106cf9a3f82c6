package io.eflow.instance.model;

/** Get-EflowVm's VmPowerState. */
public enum PowerState { RUNNING, STOPPED }
