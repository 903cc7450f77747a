"""All state changes of the grants domain, one function per transition.

Each function checks the actor's right and the object's state, changes the data inside
one transaction (locking the rows whose sums it checks) and writes an audit entry.
They take keyword arguments only and can be called from a view, a command or a task.
"""
