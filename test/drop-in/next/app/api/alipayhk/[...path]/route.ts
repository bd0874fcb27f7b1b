// Every route of the checkout (sessions, status and its stream, cancel, webhooks) under /api/alipayhk.
import { checkoutHandler } from '@/lib/alipayhk';

export const GET = (request: Request) => checkoutHandler().fetch(request);
export const POST = (request: Request) => checkoutHandler().fetch(request);
export const dynamic = 'force-dynamic'; // status streams must not be cached
