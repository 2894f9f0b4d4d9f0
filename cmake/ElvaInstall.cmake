# Install rules (`cmake --install`, and scripts/package for the Debian package): the binary, the
# process library, the documentation, the systemd unit and a configuration to start from. The
# task list's pages are built into the binary, so there are no web files to install.
include(GNUInstallDirs)
install(TARGETS elva RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT elva)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/processes/ DESTINATION ${CMAKE_INSTALL_DATADIR}/elva/processes
        COMPONENT elva PATTERN scenarios EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/examples/demo-users.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/elva/examples COMPONENT elva)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT elva)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT elva)
# systemd looks in /lib/systemd/system for units of packages (Debian 12); /etc is the
# administrator's. Both are absolute so that `--prefix /usr` puts them where systemd reads.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/elva.service DESTINATION /lib/systemd/system
        COMPONENT elva)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/elva.toml DESTINATION /etc/elva COMPONENT elva)
