import 'reflect-metadata';

// Integration tests print only what fails: services log at warn and above unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'warn';
