//! Adding and removing accounts: shared by the GUI and the headless front-end. (skeleton)
