// RMQ transport options shared by the built-in comparison's service and HTTP front.
'use strict';

function rmqOptions() {
  return {
    urls: [process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672'],
    queue: process.env.BUILTIN_QUEUE,
    // Durable and not persistent messages, as Proctor's `<service>.rpc` classic queue.
    queueOptions: { durable: true },
    // TCP no-delay for fairness (Proctor's AmqpConnection always sets it; without it every hop
    // waits ~20 ms for Nagle). The built-in transport hands `connectionOptions` to amqplib's
    // connect through amqp-connection-manager: a bare `socketOptions: { noDelay: true }` would be
    // ignored by both the server and the client of @nestjs/microservices 11.
    socketOptions: { connectionOptions: { noDelay: true } },
  };
}

module.exports = { rmqOptions };
