// The runtime's attribute sources (compiled in from src/StaticNet/Attributes) rely on the runtime's implicit usings.
global using System;
global using System.Collections.Generic;
