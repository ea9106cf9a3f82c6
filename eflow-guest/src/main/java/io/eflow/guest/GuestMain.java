package io.eflow.guest; public class GuestMain { public static void main(String[] a){} }
