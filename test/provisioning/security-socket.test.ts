/** The hostile suite over real HTTPS sockets from 127.x addresses: the lean GET/HEAD path phones take at boot. */
import { socketTransport } from '../helpers/phone-transport.js';
import { securitySuite } from './security-suite.js';

securitySuite(socketTransport());
