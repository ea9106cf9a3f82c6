'use strict';
// The tests' hub name resolves only inside the guest: here its connections go to the emulator on loopback, keeping the
// name for SNI and the certificate check (lib.js has already sent port 443 to the emulator's port).
const lib = require('../../../../iothub-emulator/src/test/node/lib');
const tls = require('tls');
const connect = tls.connect;
tls.connect = function (...args) {
  const options = args[0];
  if (options && typeof options === 'object' && options.host === lib.hostName) {
    const port = Number(options.port || 443) === 443 ? lib.httpsPort : options.port;
    args[0] = Object.assign({}, options, { host: '127.0.0.1', port, servername: lib.hostName });
  }
  return connect.apply(this, args);
};

