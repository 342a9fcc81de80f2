"""The SPARQL 1.1 Protocol endpoint (``kg serve``): the endpoint's routes and rules (endpoint) over
an HTTP/1.1 front end (http), running queries in kg.query's killable workers."""
