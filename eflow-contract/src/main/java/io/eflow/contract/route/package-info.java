/**
 * The route grammar of {@code $edgeHub}: {@code FROM <source> [WHERE <condition>] INTO <sink>}, with conditions in
 * IoT Hub's message routing query language, and what a condition means for one message.
 *
 * <p>{@link io.eflow.contract.route.Route#parse} reads one route and refuses a bad one with a
 * {@link io.eflow.contract.route.RouteException} naming the column of the mistake (the manifest reader adds its JSON
 * path, so a bad route is refused when the deployment is applied, and the host refuses it before sending it). It lives
 * here, not in the hub, so the host checks a deployment without the guest runtime; the hub's router (in the guest)
 * matches sources against where a message came from and evaluates conditions through
 * {@link io.eflow.contract.route.ConditionInput}, which is all a condition sees of a message.
 *
 * <p>Where IoT Hub's documentation leaves the meaning open, eflow holds to this:
 * <ul>
 *   <li>Conditions are three-valued. Anything missing is {@code undefined}; comparing with undefined, or comparing
 *       values of different types, is undefined; AND is false if either side is false, OR true if either side is
 *       true, otherwise undefined wins; a route matches only when its condition is true.</li>
 *   <li>Message properties (application and system) are text without a type, read as a number when compared with a
 *       number or used in arithmetic and math functions ({@code severity > 3}), and as a Boolean under AND, OR and
 *       NOT or compared with true/false; text that is neither makes the result undefined. Two properties compare as
 *       text. String literals and JSON body strings keep their type.</li>
 *   <li>{@code $name} reads the system property, and when there is none, an application property named
 *       {@code $name}. Property names ignore case; body paths do not.</li>
 *   <li>NOT binds looser than comparisons and tighter than AND ({@code NOT a = 1} is {@code NOT (a = 1)}).</li>
 *   <li>A body path may end at a JSON object or array: IS_OBJECT and IS_ARRAY test it, comparisons give undefined.</li>
 *   <li>Division by zero, and any result that is not a finite number, is undefined.</li>
 *   <li>Only the documented sources are accepted; IoT Edge would take any path as a prefix that matches nothing.</li>
 * </ul>
 */
package io.eflow.contract.route;
