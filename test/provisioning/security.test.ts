/** The hostile suite through fastify's router (in-process inject). */
import { routerTransport } from '../helpers/phone-transport.js';
import { securitySuite } from './security-suite.js';

securitySuite(routerTransport);
